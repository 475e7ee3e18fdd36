/**
 * @module A Messages body the route's schema accepted → the canonical request the pipeline runs: the remaining
 * checks (`check-request.ts`), the cost rule (`cost-rule.ts`), the model (a catalog id, an alias such as Anthropic's
 * own `claude-sonnet-4-5-20250929`, or `auto`; anything else is Anthropic's 404 `not_found_error`), then the
 * translation (`to-canonical.ts`). A `count_tokens` body goes the same way.
 */
import type { ModelConfig } from '../../config/types.js';
import { NATIVE_BODY, type CanonicalChatRequest } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { WireFormat } from '../../providers/index.js';
import { checkMessagesRequest } from './check-request.js';
import { applyCostRule } from './cost-rule.js';
import type { CountTokensRequest, MessagesRequest } from './request-schema.js';
import { toCanonicalRequest } from './to-canonical.js';

/** The model id that asks for smart routing. */
const AUTO_MODEL = 'auto';

/** Looks a model name up in the catalog (the router's `lookup`). */
export type ModelLookup = (name: string) => { model: ModelConfig; formats: ReadonlySet<WireFormat> } | undefined;

/** What Anthropic's `count_tokens` takes of a Messages body; the rest (`max_tokens`, `stream`, sampling) it refuses. */
const COUNT_FIELDS = [
  'model',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'thinking',
  'output_config',
  'context_management',
  'cache_control',
  'speed',
];

/**
 * Checks and translates a `count_tokens` body like a Messages body (one output token, so routing asks nothing of the
 * answer); the native body keeps only the fields the count takes.
 */
export function parseCountTokensRequest(
  body: CountTokensRequest,
  betaHeader: string | string[] | undefined,
  lookup: ModelLookup,
): CanonicalChatRequest {
  const canonical = parseMessagesRequest({ ...body, max_tokens: body.max_tokens ?? 1 }, betaHeader, lookup);
  const native = canonical[NATIVE_BODY];
  if (native === undefined) return canonical;
  const counted = Object.fromEntries(COUNT_FIELDS.filter((field) => native.body[field] !== undefined).map((field) => [field, native.body[field]]));
  return { ...canonical, [NATIVE_BODY]: { ...native, body: counted } };
}

/** Checks and translates a body; throws the 400 or 404 to answer. */
export function parseMessagesRequest(body: MessagesRequest, betaHeader: string | string[] | undefined, lookup: ModelLookup): CanonicalChatRequest {
  const checked = checkMessagesRequest(body);
  const betas = applyCostRule(checked, betaHeader);
  const entry = body.model === AUTO_MODEL ? undefined : lookup(body.model);
  if (body.model !== AUTO_MODEL && entry === undefined) {
    throw new GatewayError(404, 'model_not_found', `model: ${body.model.slice(0, 200)} (GET /v1/models lists the models; "auto" routes for you)`, {
      param: 'model',
    });
  }
  // Untranslatable Claude-only content may be left to the native body only when every model named is Claude-only.
  const nativeOnly = entry !== undefined && isClaudeOnly(entry) && (body.models ?? []).every((name) => isClaudeOnly(lookup(name)));
  return toCanonicalRequest(checked, { betas, nativeOnly });
}

/** Whether a model is served by Anthropic-format deployments only (false for an unknown name: the router refuses it). */
function isClaudeOnly(entry: ReturnType<ModelLookup>): boolean {
  return entry !== undefined && entry.formats.size === 1 && entry.formats.has('anthropic');
}
