/**
 * @module What a request needs from a model (prompt size, output size, vision, tools) and the filter that keeps
 * the catalog's deployments able to serve it. Derived once per request; everything here is pure.
 */
import type { Deployment, ModelConfig } from '../config/types.js';
import { requestedMaxTokens, type ChatCompletionRequest } from '../core/chat-request.js';
import { GatewayError, invalidRequest } from '../core/gateway-error.js';
import { measurePrompt, TOKENS_PER_MESSAGE, TOKENS_PER_REPLY, type PromptSize } from '../metering/index.js';
import type { Candidate, Catalog } from './catalog.js';
import { deploymentKey } from './health.js';

/**
 * Output tokens assumed for cost and latency estimates when the client sets no `max_tokens`: about a
 * medium-length chat answer. The context-fit check never uses it; it counts only an explicit maximum.
 */
export const DEFAULT_EXPECTED_OUTPUT_TOKENS = 512;

/** What a request needs, derived once by {@link deriveRequirements}. */
export interface Requirements {
  /** Prompt tokens: the cheap estimate, or the o200k count when the prompt may not fit some model's context. */
  promptTokens: number;
  /** The client's output bound (`max_completion_tokens`, else `max_tokens`), if it set one. */
  maxOutputTokens: number | undefined;
  /** Output tokens for cost and latency estimates: `maxOutputTokens`, else {@link DEFAULT_EXPECTED_OUTPUT_TOKENS}. */
  expectedOutputTokens: number;
  /** Context the model must hold: prompt plus the explicit output bound (0 when none). */
  contextTokens: number;
  /** Some user message has an `image_url` part. */
  vision: boolean;
  /** `tools` is non-empty. */
  tools: boolean;
}

/**
 * Why a deployment cannot serve a request, in the order the router checks: what the request needs, a credential,
 * then the request's `provider` preferences (`provider-preferences.ts`), then the circuit.
 */
export type ExclusionReason =
  | 'context_length'
  | 'max_output_tokens'
  | 'vision'
  | 'tools'
  | 'provider_unconfigured'
  | 'provider_not_allowed'
  | 'provider_ignored'
  | 'max_price'
  | 'unsupported_parameters'
  | 'fallbacks_disallowed'
  | 'circuit_open';

/** One deployment left out of a route, and why. */
export interface Exclusion {
  model: ModelConfig;
  deployment: Deployment;
  reason: ExclusionReason;
  /** The figures behind the reason, when it has some (the prices over `max_price`, the parameters dropped). */
  detail?: string;
}

/** The catalog split into deployments that can serve the request (catalog order) and those that cannot. */
export interface FilterResult {
  capable: Candidate[];
  excluded: Exclusion[];
}

/** The context and output limits of the models a request is routed over (see `Catalog`). */
export interface CatalogLimits {
  smallestContext: number;
  largestContext: number;
  largestOutput: number;
}

/** Limits under which every request's prompt gets counted: for callers without a catalog (tests, tools). */
const COUNT_ALWAYS: CatalogLimits = { smallestContext: 0, largestContext: Number.POSITIVE_INFINITY, largestOutput: Number.POSITIVE_INFINITY };

/**
 * Derives the request's requirements. The prompt is counted with the tokenizer only where the count can change the
 * answer; otherwise its cheap estimate stands in:
 * - its byte bound plus the output bound fits the smallest context window: it fits every model, whatever the count;
 * - the output bound alone (with the least a prompt of that many messages takes) overflows the largest context
 *   window, or passes every model's output limit: it fits none, whatever the count.
 * Pass the `prompt` the caller already measured so the request's text is walked once.
 */
export function deriveRequirements(
  req: ChatCompletionRequest,
  prompt: PromptSize = measurePrompt(req),
  limits: CatalogLimits = COUNT_ALWAYS,
): Requirements {
  const max = requestedMaxTokens(req);
  const least = TOKENS_PER_REPLY + req.messages.length * TOKENS_PER_MESSAGE + (max ?? 0);
  const fitsAll = prompt.bound + (max ?? 0) <= limits.smallestContext;
  const fitsNone = least > limits.largestContext || (max ?? 0) > limits.largestOutput;
  const promptTokens = fitsAll || fitsNone ? prompt.estimate : prompt.counted();
  return {
    promptTokens,
    maxOutputTokens: max,
    expectedOutputTokens: max ?? DEFAULT_EXPECTED_OUTPUT_TOKENS,
    contextTokens: promptTokens + (max ?? 0),
    vision: hasImage(req),
    tools: req.tools !== undefined && req.tools.length > 0,
  };
}

/** Whether any message carries an image part (the request needs a vision model). */
export function hasImage(req: ChatCompletionRequest): boolean {
  for (const message of req.messages) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    for (const part of message.content) if (part.type === 'image_url') return true;
  }
  return false;
}

/** The model-level requirements as bits, in the fixed order used for reasons and messages. */
const CHECKS = [
  { bit: 1, reason: 'context_length' },
  { bit: 2, reason: 'max_output_tokens' },
  { bit: 4, reason: 'vision' },
  { bit: 8, reason: 'tools' },
] as const;

/** Bit set of the model-level requirements `model` fails (0 = capable). */
function unmetMask(model: ModelConfig, req: Requirements): number {
  let mask = 0;
  if (model.context_length < req.contextTokens) mask |= 1;
  if (req.maxOutputTokens !== undefined && req.maxOutputTokens > model.max_output_tokens) mask |= 2;
  if (req.vision && !model.capabilities.vision) mask |= 4;
  if (req.tools && !model.capabilities.tools) mask |= 8;
  return mask;
}

/** The first requirement `model` fails, in the fixed order; undefined when it can serve the request. */
export function unmetRequirement(model: ModelConfig, req: Requirements): ExclusionReason | undefined {
  const mask = unmetMask(model, req);
  return mask === 0 ? undefined : firstUnmet(mask);
}

function firstUnmet(mask: number): ExclusionReason {
  for (const check of CHECKS) if ((mask & check.bit) !== 0) return check.reason;
  throw new Error(`unmetMask returned an unknown bit set ${mask}`);
}

const callable = new WeakMap<Catalog, Map<Deployment, Candidate>>();

/** The catalog's deployments that have a credential, as Candidates; built once per Catalog instance. */
function callableDeployments(catalog: Catalog): Map<Deployment, Candidate> {
  let byDeployment = callable.get(catalog);
  if (byDeployment === undefined) {
    byDeployment = new Map();
    for (const model of catalog.chatModels) {
      if (!model.deployments.some((d) => catalog.isAvailable(d.provider))) continue;
      for (const candidate of catalog.candidatesFor(model.id)) byDeployment.set(candidate.deployment, candidate);
    }
    callable.set(catalog, byDeployment);
  }
  return byDeployment;
}

/**
 * Splits every deployment of the catalog's chat models into capable and excluded (embedding models never answer a
 * chat request, so they are not listed at all). A deployment is excluded for the first
 * failed check in this order: context length, max output, vision, tools, provider without credential, open circuit.
 * The Candidates are built once per Catalog instance: treat a catalog as immutable and replace it to change keys.
 * @param isOpen whether a deployment's circuit is open, by {@link deploymentKey}.
 */
export function filterCatalog(catalog: Catalog, req: Requirements, isOpen: (key: string) => boolean): FilterResult {
  const byDeployment = callableDeployments(catalog);
  const capable: Candidate[] = [];
  const excluded: Exclusion[] = [];
  for (const model of catalog.chatModels) {
    const mask = unmetMask(model, req);
    for (const deployment of model.deployments) {
      const candidate = byDeployment.get(deployment);
      if (mask !== 0) excluded.push({ model, deployment, reason: firstUnmet(mask) });
      else if (candidate === undefined) excluded.push({ model, deployment, reason: 'provider_unconfigured' });
      else if (isOpen(deploymentKey(deployment))) excluded.push({ model, deployment, reason: 'circuit_open' });
      else capable.push(candidate);
    }
  }
  return { capable, excluded };
}

/** `1234567` → `"1,234,567"`, independent of the process locale. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The error for a request no deployment can serve. Only chat models with a configured provider are considered.
 * - none configured → 503 `provider_unavailable`;
 * - some model meets every requirement (so only open circuits are in the way) → 503 `provider_unavailable`;
 * - else 400 `invalid_request` naming the requirements no model meets on its own (e.g. "No model with a
 *   2,000,000-token context"); when each is met by some model but never together, it names the combination
 *   ("No model supports vision and tools"). Requirements are listed in the fixed order context, output, vision, tools.
 */
export function noCapableModelError(catalog: Catalog, req: Requirements, models: readonly ModelConfig[] = catalog.chatModels): GatewayError {
  const masks = models.filter((m) => m.deployments.some((d) => catalog.isAvailable(d.provider))).map((m) => unmetMask(m, req));
  if (masks.length === 0) {
    return new GatewayError(503, 'provider_unavailable', 'No provider is configured: set an API key for at least one provider.');
  }
  if (masks.includes(0)) {
    const message = 'Every deployment able to serve this request has an open circuit after repeated failures; retry shortly.';
    return new GatewayError(503, 'provider_unavailable', message);
  }
  const failedBySome = masks.reduce((acc, m) => acc | m, 0);
  const failedByAll = masks.reduce((acc, m) => acc & m, failedBySome);
  return describeUnmet(failedByAll !== 0 ? failedByAll : failedBySome, req);
}

function describeUnmet(mask: number, req: Requirements): GatewayError {
  const has: string[] = [];
  const supports: string[] = [];
  const notes: string[] = [];
  if ((mask & 1) !== 0) {
    has.push(`a ${formatCount(req.contextTokens)}-token context`);
    const output = req.maxOutputTokens === undefined ? '' : ` + ${formatCount(req.maxOutputTokens)} max output tokens`;
    notes.push(`about ${formatCount(req.promptTokens)} prompt tokens${output}`);
  }
  if ((mask & 2) !== 0) has.push(`a ${formatCount(req.maxOutputTokens ?? 0)}-token output limit`);
  if ((mask & 4) !== 0) supports.push('vision');
  if ((mask & 8) !== 0) supports.push('tools');
  const withPart = has.length > 0 ? ` with ${has.join(' and ')}` : '';
  const supportsPart = supports.length > 0 ? ` supports ${supports.join(' and ')}` : '';
  const notePart = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  const param = (mask & 2) !== 0 ? 'max_tokens' : (mask & 1) !== 0 || (mask & 4) !== 0 ? 'messages' : 'tools';
  return invalidRequest(`No model${withPart}${supportsPart}${notePart}.`, param);
}

/** A human-readable explanation of an exclusion, for `/v1/routing/explain`. */
export function describeExclusion(exclusion: Exclusion, req: Requirements | undefined): string {
  const { model, reason } = exclusion;
  const provider = exclusion.deployment.provider;
  switch (reason) {
    case 'context_length':
      return `context ${formatCount(model.context_length)} < ${formatCount(req?.contextTokens ?? 0)} tokens needed`;
    case 'max_output_tokens':
      return `max output ${formatCount(model.max_output_tokens)} < ${formatCount(req?.maxOutputTokens ?? 0)} requested`;
    case 'vision':
      return 'does not support image input';
    case 'tools':
      return 'does not support tools';
    case 'provider_unconfigured':
      return `provider ${provider} has no API key`;
    case 'provider_not_allowed':
      return `provider ${provider} is not in provider.only`;
    case 'provider_ignored':
      return `provider ${provider} is in provider.ignore`;
    case 'max_price':
      return `list price above provider.max_price${exclusion.detail === undefined ? '' : ` (${exclusion.detail})`}`;
    case 'unsupported_parameters':
      return `would drop ${exclusion.detail ?? 'parameters of the request'} (provider.require_parameters)`;
    case 'fallbacks_disallowed':
      return `provider ${provider} is not in provider.order and provider.allow_fallbacks is false`;
    case 'circuit_open':
      return 'circuit open after repeated failures';
    default: {
      const unknown: never = reason;
      throw new Error(`unknown exclusion reason ${String(unknown)}`);
    }
  }
}
