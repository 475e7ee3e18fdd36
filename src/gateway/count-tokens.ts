/**
 * @module One token-count attempt on one deployment, for `Gateway.countTokens` (whose attempt loop fails over between
 * the candidates as for chat). Only a deployment whose wire format is the native body's own, and whose adapter has a
 * counting API, can count it: Anthropic's `count_tokens` for a Messages body.
 *
 * A count's success is not reported to routing health: how fast a deployment counts says nothing about how fast it
 * generates, and the sample would flatter its latency score. Its retryable failures are, as for any attempt (the
 * attempt loop reports them): a deployment that cannot count is in trouble.
 */
import type { NativeBody } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import { adapterFor, malformedUpstream, parseJsonSafe, type ProviderAdapter, type TokenCountAdapter } from '../providers/index.js';
import { targetOf, type Candidate } from '../routing/index.js';
import type { CancelSignal } from './cancellation.js';
import type { AttemptInfo, GatewayDeps } from './gateway.js';
import { readBodyText, readErrorText } from './upstream-body.js';

/** What `Gateway.countTokens` resolves to: the upstream's count of the prompt, and the attempt that made it. */
export interface TokenCountResult extends AttemptInfo {
  input_tokens: number;
}

/** The candidates that can count `native`: their wire format is the body's, and their adapter has a counting API. */
export function countingCandidates(native: NativeBody, candidates: readonly Candidate[]): Candidate[] {
  return candidates.filter(
    (candidate) => candidate.providerConfig.format === native.format && adapterFor(candidate.providerConfig.format).countTokens !== undefined,
  );
}

/** Counts `native`'s prompt tokens on `candidate` (one of {@link countingCandidates}), sending `traceHeaders` along. */
export async function countTokensOn(
  deps: Pick<GatewayDeps, 'client'>,
  native: NativeBody,
  candidate: Candidate,
  signal: CancelSignal,
  traceHeaders?: Readonly<Record<string, string>>,
): Promise<{ input_tokens: number }> {
  const adapter = adapterFor(candidate.providerConfig.format);
  const counting = countingOf(adapter);
  const { request } = counting.toUpstream(native, targetOf(candidate));
  const response = await deps.client.send(candidate.providerConfig.baseUrl, request, signal, traceHeaders);
  if (response.status >= 300) throw adapter.toGatewayError(response.status, response.headers, await readErrorText(response, signal));
  const body = parseJsonSafe(await readBodyText(response, signal));
  if (body === undefined) throw malformedUpstream('token count');
  return { input_tokens: counting.fromUpstream(body) };
}

function countingOf(adapter: ProviderAdapter): TokenCountAdapter {
  if (adapter.countTokens === undefined) {
    // countingCandidates leaves such deployments out, so this is a bug, not the provider's failure.
    throw new GatewayError(500, 'internal_error', `The ${adapter.format} wire format has no token counting API.`, { retryable: false });
  }
  return adapter.countTokens;
}
