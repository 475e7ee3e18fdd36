/**
 * @module `provider.require_parameters`: which of a request's parameters a deployment would drop. The adapter that
 * speaks the deployment's wire format knows: its translation reports every feature it cannot honour as a warning
 * (e.g. Claude has no `n`, Gemini no `logit_bias`), so that translation — pure, no I/O — is the test. Model-level
 * capabilities (vision, tools, context) are the requirement filter's (`requirements.ts`).
 */
import type { CanonicalChatRequest } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import { adapterFor } from '../providers/index.js';
import type { Candidate } from './catalog.js';
import { targetOf } from './upstream-target.js';

/**
 * A check of one request against deployments: the parameters each would drop (empty: it honours them all). The
 * translation depends on the wire format and on whose credential is used (BYOK changes what OpenAI's `store` may
 * do), not on the model, so it runs once per format and credential kind however many deployments are checked.
 */
export function parameterCheck(req: CanonicalChatRequest): (candidate: Candidate) => readonly string[] {
  const byKind = new Map<string, readonly string[]>();
  return (candidate) => {
    const kind = `${candidate.providerConfig.format}:${candidate.byok === true ? 'byok' : 'gateway'}`;
    let dropped = byKind.get(kind);
    if (dropped === undefined) {
      dropped = droppedParameters(req, candidate);
      byKind.set(kind, dropped);
    }
    return dropped;
  };
}

/**
 * The parameters the candidate's adapter would drop, translating the request as the gateway sends it: one choice per
 * call where the adapter has the gateway fan `n` out (so `n` itself is honoured). Input it refuses outright (a 400
 * from the translation) drops nothing: the attempt answers that 400 itself, as it does without `require_parameters`.
 */
function droppedParameters(req: CanonicalChatRequest, candidate: Candidate): readonly string[] {
  const adapter = adapterFor(candidate.providerConfig.format);
  const sent = adapter.fanOutChoices === true && (req.n ?? 1) > 1 ? { ...req, n: 1 } : req;
  try {
    return adapter.toUpstream(sent, targetOf(candidate), req.stream === true).warnings;
  } catch (error) {
    if (error instanceof GatewayError) return [];
    throw error;
  }
}
