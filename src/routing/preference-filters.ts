/**
 * @module The filters of a request's `provider` preferences, in the order the router applies them to the deployments
 * able to serve it: `only`, `ignore`, `max_price`, `require_parameters`, then `order` without fallbacks. Each left-out
 * deployment is recorded with its reason (for `/v1/routing/explain`); a filter that leaves nothing is a 400 naming
 * its field, so a request is never routed against its preferences (above its `max_price`, say) and never silently
 * widened back. Open circuits are the router's, after these: a 503, not the client's doing.
 */
import type { CanonicalChatRequest } from '../core/chat-request.js';
import { type GatewayError, invalidRequest } from '../core/gateway-error.js';
import type { Candidate } from './catalog.js';
import { deploymentKey } from './health.js';
import { parameterCheck } from './parameter-support.js';
import { describePrices, providerOf, type ResolvedPreferences, withinMaxPrice } from './provider-preferences.js';
import type { Exclusion, ExclusionReason } from './requirements.js';

/** What the filters need besides the candidates. */
export interface PreferenceContext {
  req: CanonicalChatRequest;
  /** Where left-out deployments are recorded. */
  excluded: Exclusion[];
  /** What is being routed, for messages: "`gpt-5`", or "the models able to serve this request". */
  scope: string;
}

/** Why one candidate is left out, with its figures. */
interface Verdict {
  reason: ExclusionReason;
  detail?: string;
}

/**
 * The candidates the preferences allow, in the order given.
 * @throws GatewayError 400 naming the preference that left nothing (`provider.only`, `provider.ignore`,
 * `provider.max_price`, `provider.require_parameters`, `provider.order`).
 */
export function applyPreferences(candidates: readonly Candidate[], prefs: ResolvedPreferences, ctx: PreferenceContext): Candidate[] {
  let kept = [...candidates];
  const only = prefs.only;
  if (only !== undefined) {
    kept = narrow(
      kept,
      ctx.excluded,
      (c) => (only.has(providerOf(c)) ? undefined : { reason: 'provider_not_allowed' }),
      (before) =>
        refusal(
          prefs,
          'only',
          `No deployment of ${ctx.scope} is served by a provider in \`provider.only\` (${[...only].join(', ')}); it is served by: ${providersOf(before)}.`,
        ),
    );
  }
  if (prefs.ignore.size > 0) {
    kept = narrow(
      kept,
      ctx.excluded,
      (c) => (prefs.ignore.has(providerOf(c)) ? { reason: 'provider_ignored' } : undefined),
      () =>
        refusal(
          prefs,
          'ignore',
          `Every deployment of ${ctx.scope} is served by a provider in \`provider.ignore\` (${[...prefs.ignore].join(', ')}).`,
        ),
    );
  }
  const maxPrice = prefs.maxPrice;
  if (maxPrice !== undefined) {
    kept = narrow(
      kept,
      ctx.excluded,
      (c) => (withinMaxPrice(c.model.pricing, maxPrice) ? undefined : { reason: 'max_price', detail: priceOf(c) }),
      (before) =>
        refusal(
          prefs,
          'max_price',
          `No deployment of ${ctx.scope} is priced at or below \`provider.max_price\` (${describePrices(maxPrice.prompt, maxPrice.completion)}); the cheapest is ${cheapest(before)}. Raise the ceiling or drop it.`,
        ),
    );
  }
  if (prefs.requireParameters) {
    const dropped = parameterCheck(ctx.req);
    kept = narrow(
      kept,
      ctx.excluded,
      (c) => {
        const parameters = dropped(c);
        return parameters.length === 0 ? undefined : { reason: 'unsupported_parameters', detail: parameters.join(', ') };
      },
      (before) =>
        refusal(
          prefs,
          'require_parameters',
          `No deployment of ${ctx.scope} supports every parameter of this request (\`provider.require_parameters\`): ${before
            .slice(0, 5)
            .map((c) => `${deploymentKey(c.deployment)} would drop ${dropped(c).join(', ')}`)
            .join('; ')}.`,
        ),
    );
  }
  if (!prefs.allowFallbacks && prefs.order.length > 0) {
    kept = narrow(
      kept,
      ctx.excluded,
      (c) => (prefs.order.includes(providerOf(c)) ? undefined : { reason: 'fallbacks_disallowed' }),
      (before) =>
        refusal(
          prefs,
          'order',
          `No deployment of ${ctx.scope} is served by a provider in \`provider.order\` (${prefs.order.join(', ')}) and \`provider.allow_fallbacks\` is false; it is served by: ${providersOf(before)}.`,
        ),
    );
  }
  return kept;
}

/** The candidates `verdict` keeps; the others are recorded. Throws `onEmpty(candidates)` when none is kept. */
function narrow(
  candidates: Candidate[],
  excluded: Exclusion[],
  verdict: (candidate: Candidate) => Verdict | undefined,
  onEmpty: (before: readonly Candidate[]) => GatewayError,
): Candidate[] {
  const kept: Candidate[] = [];
  const left: Exclusion[] = [];
  for (const candidate of candidates) {
    const out = verdict(candidate);
    if (out === undefined) kept.push(candidate);
    else left.push({ model: candidate.model, deployment: candidate.deployment, ...out });
  }
  if (kept.length === 0) throw onEmpty(candidates);
  excluded.push(...left);
  return kept;
}

/** A 400 naming `provider.<field>`, saying so when the value is the API key's default rather than the request's. */
function refusal(prefs: ResolvedPreferences, field: string, message: string): GatewayError {
  const fromKey = prefs.fromKeyDefaults.has(field) ? ` (\`provider.${field}\` is this API key's default; set it in the request to override)` : '';
  return invalidRequest(`${message}${fromKey}`, `provider.${field}`);
}

function providersOf(candidates: readonly Candidate[]): string {
  return [...new Set(candidates.map(providerOf))].join(', ');
}

function priceOf(candidate: Candidate): string {
  const { input_per_million: prompt, output_per_million: completion } = candidate.model.pricing;
  return describePrices(prompt, completion);
}

/** The candidate with the lowest prompt plus completion price, described with its prices. */
function cheapest(candidates: readonly Candidate[]): string {
  const total = (c: Candidate): number => c.model.pricing.input_per_million + c.model.pricing.output_per_million;
  const best = candidates.reduce((a, b) => (total(b) < total(a) ? b : a));
  return `${best.model.id} at ${priceOf(best)}`;
}
