/**
 * @module Testing a BYOK provider key before storing it: one chat completion capped at a single output token with
 * the provider's cheapest catalog model, through a gateway that does not report to the router, so a user's bad key
 * never counts against the provider's health or opens its circuit breaker.
 */
import type { ModelConfig, ProviderConfig } from '../config/types.js';
import { GatewayError } from '../core/gateway-error.js';
import type { Gateway } from '../gateway/index.js';
import type { Candidate } from '../routing/index.js';
import type { ProviderKeyTester } from './routes/api/index.js';

/** What the tester needs. */
export interface ProviderKeyTesterDeps {
  /** A gateway without `onOutcome`. */
  gateway: Gateway;
  providers: Readonly<Record<string, ProviderConfig>>;
  models: readonly ModelConfig[];
  /** Defaults to 15 s. */
  timeoutMs?: number;
}

/** Builds the `test: true` check of `POST /api/provider-keys`. */
export function createProviderKeyTester(deps: ProviderKeyTesterDeps): ProviderKeyTester {
  return async function testProviderKey(providerId: string, apiKey: string): Promise<void> {
    const provider = deps.providers[providerId];
    const candidate = provider === undefined ? undefined : cheapestCandidate(deps.models, { ...provider, apiKey });
    if (candidate === undefined) {
      throw new GatewayError(400, 'invalid_request', `No model of ${providerId} is in the catalog to test the key with.`, { param: 'test' });
    }
    const request = { model: candidate.model.id, messages: [{ role: 'user' as const, content: 'ping' }], max_tokens: 1 };
    try {
      await deps.gateway.complete(request, [candidate], AbortSignal.timeout(deps.timeoutMs ?? 15_000));
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      if (isCredentialRejection(error)) {
        throw new GatewayError(400, 'invalid_request', `${providerId} rejected this key.`, { param: 'api_key', cause: error });
      }
      // A rate limit or a refusal of the request itself still means the key authenticated.
      if (error.status === 429 || (error.status >= 400 && error.status < 500)) return;
      throw new GatewayError(502, 'provider_error', `Could not reach ${providerId} to test the key; try again, or add it without testing.`, {
        cause: error,
      });
    }
  };
}

/**
 * An upstream 401/403. `mapUpstreamStatus` (providers/shared/upstream-error.ts) turns those into a 502
 * `provider_error` that names the credentials; other 502s are malformed answers from a provider that did accept it.
 */
function isCredentialRejection(error: GatewayError): boolean {
  return error.code === 'provider_error' && /credentials \((401|403)\)/.test(error.message);
}

function cheapestCandidate(models: readonly ModelConfig[], provider: ProviderConfig & { apiKey: string }): Candidate | undefined {
  let best: Candidate | undefined;
  for (const model of models) {
    if (model.kind === 'embedding') continue; // the key is tested with a chat completion
    const deployment = model.deployments.find((d) => d.provider === provider.id);
    if (deployment === undefined) continue;
    if (best === undefined || model.pricing.input_per_million < best.model.pricing.input_per_million) {
      best = { model, deployment, providerConfig: provider };
    }
  }
  return best;
}
