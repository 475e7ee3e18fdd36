/**
 * @module The OpenAI embeddings request: its TypeBox schema (for the route's body validation), and
 * {@link parseEmbeddingRequest}, which checks what a schema cannot say against the chosen embedding model and the
 * per-request caps, and returns the canonical {@link EmbeddingRequest} the gateway dispatches.
 *
 * The schema stays loose where a precise message helps more than a union mismatch: an empty input, too many inputs,
 * a non-integer token and a wrong mix are each refused by the parser with `param` naming the field. Fields beyond
 * the five OpenAI defines are accepted and ignored (never forwarded: some upstreams refuse unknown fields).
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 * @see shared/reference/openai-responses-embeddings-schemas.json (CreateEmbeddingRequest)
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { EmbeddingModelConfig, RequestBounds } from '../config/types.js';
import { ESTIMATE_BYTES_PER_TOKEN, type PromptSize } from '../metering/token-count.js';
import { EmbeddingTokenCounter } from './embedding-tokens.js';
import type { EmbeddingEncoding } from './embedding-response.js';
import { invalidRequest, type GatewayError } from './gateway-error.js';
import { MAX_END_USER_LENGTH } from './end-user.js';

/** Inputs one request may carry (OpenAI's limit). */
export const EMBEDDING_MAX_INPUTS = 2048;

/** Token ids cl100k_base has (0 through 100,276, its last special token `<|endofprompt|>`). */
const CL100K_VOCABULARY = 100_277;

const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

export const EmbeddingRequestSchema = Type.Object({
  model: Type.String({ minLength: 1 }),
  /** A text, texts, one input of token ids, or inputs of token ids. */
  input: Type.Union([Type.String(), Type.Array(Type.String()), Type.Array(Type.Number()), Type.Array(Type.Array(Type.Number()))]),
  encoding_format: Nullable(Type.Union([Type.Literal('float'), Type.Literal('base64')])),
  dimensions: Nullable(Type.Integer({ minimum: 1 })),
  user: Nullable(Type.String({ maxLength: MAX_END_USER_LENGTH })),
});

/** A body that passed {@link EmbeddingRequestSchema}. */
export type EmbeddingRequestBody = Static<typeof EmbeddingRequestSchema>;

/** The inputs, in order: texts, or token-id arrays (only for models whose tokenizer the ids belong to). */
export type EmbeddingInput = { kind: 'text'; texts: string[] } | { kind: 'tokens'; tokens: number[][] };

/** What the upstream is sent besides the model and the inputs, from the model's catalog entry. */
export interface UpstreamEmbeddingOptions {
  /** Send the vector size (`dimensions` / `outputDimensionality`): the model takes the parameter. */
  dimensions: boolean;
  /** Ask an OpenAI-format upstream for base64 float32 rather than JSON numbers. */
  base64: boolean;
  /** Forward the client's `user` to an OpenAI-format upstream. */
  user: boolean;
}

/** What one upstream call embeds: the request's parameters with all its inputs, or one batch of them. */
export interface EmbeddingCall {
  /** The catalog model id, reported back as the answer's `model`. */
  model: string;
  input: EmbeddingInput;
  /** Length of every vector of the answer: the client's `dimensions`, else the model's default. */
  dimensions: number;
  user: string | undefined;
  upstream: UpstreamEmbeddingOptions;
}

/** A validated embeddings request, ready to dispatch. */
export interface EmbeddingRequest extends EmbeddingCall {
  /** How the client wants the vectors (`encoding_format`, default float). */
  encodingFormat: EmbeddingEncoding;
  /**
   * Input tokens: `estimate` (UTF-8 bytes / 4; exact for token ids) for rate limits, `bound` (UTF-8 bytes, no
   * tokenizer can exceed it; exact for token ids) for spend reservations, and `counted()`, the tokenizer's count
   * within `requests.tokenizerMaxChars` (exact for token ids), for settling when the upstream reports no usage.
   */
  prompt: PromptSize;
}

/** The per-request bounds the parser enforces. */
export type EmbeddingBounds = Pick<RequestBounds, 'tokenizerMaxChars' | 'embeddingMaxTokens' | 'embeddingMaxValues'>;

/**
 * Checks `body` against `model` (already known to be an embedding model, see `routing/catalog.ts`) and the bounds,
 * cheapest checks first; the tokenizer runs only where a byte count cannot settle a limit. Every refusal is a 400
 * `invalid_request` whose `param` names the field: an empty input or empty string, more than 2,048 inputs, token ids
 * for a model that takes text only, a non-integer or unknown token id, `dimensions` on a fixed-size model or out of
 * its range, more values (inputs × dimensions) than `embeddingMaxValues`, an input over the model's
 * `max_input_tokens`, more tokens in all than `embeddingMaxTokens`.
 */
export function parseEmbeddingRequest(body: EmbeddingRequestBody, model: EmbeddingModelConfig, bounds: EmbeddingBounds): EmbeddingRequest {
  const input = toInput(body.input);
  const count = input.kind === 'text' ? input.texts.length : input.tokens.length;
  if (input.kind === 'tokens') checkTokenIds(input.tokens, body.input, model);
  const dimensions = resolveDimensions(body.dimensions ?? undefined, model);
  if (count * dimensions > bounds.embeddingMaxValues) {
    throw invalidRequest(
      `${formatCount(count)} inputs × ${formatCount(dimensions)} dimensions is ${formatCount(count * dimensions)} values; at most ${formatCount(bounds.embeddingMaxValues)} per request. Send fewer inputs per request${model.dimension_range === undefined ? '' : ' or ask for fewer dimensions'}.`,
      'input',
    );
  }
  const prompt =
    input.kind === 'text' ? measureTexts(input.texts, body.input, model, bounds) : measureTokens(input.tokens, body.input, model, bounds);
  return {
    model: model.id,
    input,
    dimensions,
    user: body.user ?? undefined,
    upstream: { dimensions: model.dimension_range !== undefined, base64: model.upstream_base64, user: model.upstream_user },
    encodingFormat: body.encoding_format ?? 'float',
    prompt,
  };
}

/**
 * The request's calls of at most `maxInputs` inputs each, in order (Gemini's `batchEmbedContents` takes 100); the
 * request itself when it fits one call.
 */
export function splitEmbeddingCall(call: EmbeddingCall, maxInputs: number): EmbeddingCall[] {
  const { input } = call;
  const items: readonly (string | number[])[] = input.kind === 'text' ? input.texts : input.tokens;
  if (items.length <= maxInputs) return [call];
  const calls: EmbeddingCall[] = [];
  for (let start = 0; start < items.length; start += maxInputs) {
    const part: EmbeddingInput =
      input.kind === 'text'
        ? { kind: 'text', texts: input.texts.slice(start, start + maxInputs) }
        : { kind: 'tokens', tokens: input.tokens.slice(start, start + maxInputs) };
    calls.push({ ...call, input: part });
  }
  return calls;
}

/** How many inputs a call carries. */
export function inputCount(input: EmbeddingInput): number {
  return input.kind === 'text' ? input.texts.length : input.tokens.length;
}

/** The body's `input` as texts or token arrays; empty inputs and too many inputs are refused here. */
function toInput(raw: EmbeddingRequestBody['input']): EmbeddingInput {
  if (typeof raw === 'string') {
    if (raw === '') throw invalidRequest('`input` must not be an empty string.', 'input');
    return { kind: 'text', texts: [raw] };
  }
  if (raw.length === 0) throw invalidRequest('`input` must not be an empty array.', 'input');
  if (raw.length > EMBEDDING_MAX_INPUTS) {
    throw invalidRequest(`\`input\` has ${formatCount(raw.length)} items; at most ${formatCount(EMBEDDING_MAX_INPUTS)} inputs per request.`, 'input');
  }
  const first = raw[0];
  if (typeof first === 'number') return { kind: 'tokens', tokens: [raw as number[]] };
  if (typeof first === 'string') {
    const texts = raw as string[];
    const empty = texts.indexOf('');
    if (empty >= 0) throw invalidRequest(`\`input[${empty}]\` must not be an empty string.`, `input[${empty}]`);
    return { kind: 'text', texts };
  }
  const tokens = raw as number[][];
  const empty = tokens.findIndex((ids) => ids.length === 0);
  if (empty >= 0) throw invalidRequest(`\`input[${empty}]\` must not be an empty array of tokens.`, `input[${empty}]`);
  return { kind: 'tokens', tokens };
}

/** Token ids only where the model's tokenizer is theirs, and each a whole number in its vocabulary. */
function checkTokenIds(tokens: readonly number[][], raw: EmbeddingRequestBody['input'], model: EmbeddingModelConfig): void {
  if (model.token_ids === undefined) {
    throw invalidRequest(
      `The model \`${model.id}\` takes text only: token-id input (arrays of integers) is for models whose tokenizer the ids belong to (cl100k_base: OpenAI's text-embedding-3-*). Send the text instead.`,
      'input',
    );
  }
  const single = typeof raw !== 'string' && typeof raw[0] === 'number';
  for (const [i, ids] of tokens.entries()) {
    for (const [j, id] of ids.entries()) {
      if (Number.isInteger(id) && id >= 0 && id < CL100K_VOCABULARY) continue;
      const param = single ? `input[${j}]` : `input[${i}][${j}]`;
      const problem = Number.isInteger(id)
        ? `is not a ${model.token_ids} token id (0 to ${formatCount(CL100K_VOCABULARY - 1)})`
        : 'must be an integer token id';
      throw invalidRequest(`\`${param}\` ${problem}, got ${id}.`, param);
    }
  }
}

/** The vector size: the client's `dimensions` within the model's range, else the model's default. */
function resolveDimensions(requested: number | undefined, model: EmbeddingModelConfig): number {
  if (requested === undefined) return model.dimensions;
  const range = model.dimension_range;
  if (range === undefined) {
    throw invalidRequest(
      `The model \`${model.id}\` does not take \`dimensions\`: its vectors always have ${formatCount(model.dimensions)}.`,
      'dimensions',
    );
  }
  if (requested < range.min || requested > range.max) {
    throw invalidRequest(
      `\`dimensions\` must be between ${formatCount(range.min)} and ${formatCount(range.max)} for \`${model.id}\`, got ${formatCount(requested)}.`,
      'dimensions',
    );
  }
  return requested;
}

/**
 * Sizes text inputs and refuses one over the model's per-input limit, or all of them over the per-request cap. UTF-8
 * bytes bound every tokenizer's count (each token covers at least one byte), so the tokenizer runs only for an input
 * with more bytes than the per-input limit, and for the total only when all the bytes exceed the cap.
 */
function measureTexts(
  texts: readonly string[],
  raw: EmbeddingRequestBody['input'],
  model: EmbeddingModelConfig,
  bounds: EmbeddingBounds,
): PromptSize {
  const counter = new EmbeddingTokenCounter(texts, bounds.tokenizerMaxChars);
  let bytes = 0;
  for (const [i, text] of texts.entries()) {
    const size = Buffer.byteLength(text);
    bytes += size;
    if (size <= model.max_input_tokens) continue;
    const tokens = counter.count(i);
    if (tokens > model.max_input_tokens) {
      const param = typeof raw === 'string' ? 'input' : `input[${i}]`;
      throw tooLong(param, tokens, counter.isExact(i), model);
    }
  }
  if (bytes > bounds.embeddingMaxTokens) checkTotal(counter.total(), !counter.scaled, bounds);
  let total: number | undefined;
  return {
    estimate: Math.ceil(bytes / ESTIMATE_BYTES_PER_TOKEN),
    bound: bytes,
    counted: () => (total ??= counter.total()),
  };
}

/** Sizes token-id inputs (their lengths are their counts) and refuses one over the model's limit, or too many in all. */
function measureTokens(
  tokens: readonly number[][],
  raw: EmbeddingRequestBody['input'],
  model: EmbeddingModelConfig,
  bounds: EmbeddingBounds,
): PromptSize {
  const single = typeof raw !== 'string' && typeof raw[0] === 'number';
  let total = 0;
  for (const [i, ids] of tokens.entries()) {
    total += ids.length;
    if (ids.length > model.max_input_tokens) throw tooLong(single ? 'input' : `input[${i}]`, ids.length, true, model);
  }
  checkTotal(total, true, bounds);
  return { estimate: total, bound: total, counted: () => total };
}

function tooLong(param: string, tokens: number, exact: boolean, model: EmbeddingModelConfig): GatewayError {
  const about = exact ? '' : 'about ';
  return invalidRequest(
    `\`${param}\` has ${about}${formatCount(tokens)} tokens; \`${model.id}\` takes at most ${formatCount(model.max_input_tokens)} per input.`,
    param,
  );
}

function checkTotal(tokens: number, exact: boolean, bounds: EmbeddingBounds): void {
  if (tokens <= bounds.embeddingMaxTokens) return;
  const about = exact ? '' : 'about ';
  throw invalidRequest(
    `The inputs have ${about}${formatCount(tokens)} tokens in all; at most ${formatCount(bounds.embeddingMaxTokens)} per request. Split them over several requests.`,
    'input',
  );
}

/** `1234567` → `"1,234,567"`, independent of the process locale. */
function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
