/** @module Where an attempt calls: a routing candidate as the adapters' {@link UpstreamTarget}. */
import type { UpstreamTarget } from '../providers/index.js';
import type { Candidate } from './catalog.js';

/** The deployment's base URL, credential (the account's own when BYOK) and upstream model name. */
export function targetOf(candidate: Candidate): UpstreamTarget {
  return {
    baseUrl: candidate.providerConfig.baseUrl,
    apiKey: candidate.providerConfig.apiKey,
    upstreamModel: candidate.deployment.model,
    byok: candidate.byok === true,
  };
}
