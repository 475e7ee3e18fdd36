/**
 * @module Request parameters that make the provider bill something the catalog has no price for, refused with a 400
 * that names the parameter before routing, admission or any upstream call.
 *
 * Cost is catalog token prices × the provider's reported token counts (`pricing.ts`). A parameter that changes the
 * price per token (a service tier, audio) or adds a fee beside the tokens (web search) would be charged to the
 * account at the text price while the operator pays more. Refusing is the honest answer until the catalog can price
 * them. Refused for every model, BYOK included: the check runs before routing, so its answer never depends on which
 * deployment or key the route would pick. Parameters that change the bill only through reported tokens pass:
 * `reasoning_effort`, `prediction` (rejected prediction tokens are counted in `completion_tokens`),
 * `prompt_cache_key` and `prompt_cache_retention` (cache reads are reported as cached tokens; extended retention
 * costs the same). `store` is not a price: the OpenAI adapter forces it off on the gateway's key.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 * @see https://platform.openai.com/docs/pricing
 * @see https://docs.x.ai/docs/guides/live-search
 */
import type { ChatCompletionRequest } from '../core/chat-request.js';
import { invalidRequest } from '../core/gateway-error.js';

/** One top-level parameter: which values the catalog cannot price, and why. */
interface UnpricedParameter {
  param: string;
  /** True for a value that would be billed beyond the catalog's token prices; `null` and absent never reach it. */
  unpriced(value: unknown): boolean;
  why: string;
}

const UNPRICED: readonly UnpricedParameter[] = [
  {
    param: 'service_tier',
    unpriced: (value) => value !== 'auto' && value !== 'default',
    why: 'other tiers are billed at other token prices than the standard ones the gateway charges (priority costs more, flex and scale differ). Omit it or send "auto" or "default"',
  },
  {
    param: 'modalities',
    unpriced: (value) => !Array.isArray(value) || value.some((modality) => modality !== 'text'),
    why: 'output other than text (audio) is billed at prices the catalog does not have. Omit it or send ["text"]',
  },
  {
    param: 'audio',
    unpriced: () => true,
    why: 'audio output is billed at audio-token prices the catalog does not have',
  },
  {
    param: 'web_search_options',
    unpriced: () => true,
    why: 'web search is billed per call on top of tokens, which the gateway does not charge',
  },
  {
    param: 'search_parameters',
    unpriced: () => true,
    why: 'live search is billed per source on top of tokens, which the gateway does not charge',
  },
];

/** Throws a 400 naming the first parameter of `req` that would be billed beyond the catalog's token prices. */
export function refuseUnpricedParameters(req: ChatCompletionRequest): void {
  for (const { param, unpriced, why } of UNPRICED) {
    const value = req[param];
    if (value !== undefined && value !== null && unpriced(value)) {
      throw invalidRequest(`\`${param}\` ${describe(value)} is not supported: ${why}.`, param);
    }
  }
  refuseAudioInput(req);
}

/** `input_audio` content parts: audio input tokens cost more than text on the providers that take them. */
function refuseAudioInput(req: ChatCompletionRequest): void {
  req.messages.forEach((message, m) => {
    if (message.role !== 'user' || typeof message.content === 'string') return;
    const p = message.content.findIndex((part) => part.type === 'input_audio');
    if (p !== -1) {
      throw invalidRequest(
        'Audio input (`input_audio` parts) is not supported: audio tokens are billed at prices the catalog does not have.',
        `messages[${m}].content[${p}]`,
      );
    }
  });
}

/** The value as the message quotes it: short scalars in full, anything else by its kind. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.every((item) => typeof item === 'string') ? JSON.stringify(value).slice(0, 80) : '(an array)';
  return '(an object)';
}
