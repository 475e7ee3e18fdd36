/**
 * @module `POST /{provider}/v1/embeddings` in OpenAI's format: text, texts, token ids or arrays of them (at most
 * 2,048), `encoding_format` float or base64, `dimensions` (for models that take it, up to their size), usage in the
 * answer. Vectors are unit length, cut ones scaled again, as OpenAI's are.
 *
 * Under the `mistral` prefix it answers as Mistral does: text only, and any field beyond its schema (`user`,
 * `dimensions`, …) is a 422 `extra_forbidden`, so a gateway that forwards what Mistral refuses is caught.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 * @see https://docs.mistral.ai/api/endpoint/embeddings
 */

import type { EmbeddingCall, EmbeddingEndpoint } from './embedding-call.js';
import { float32Base64, rawEmbedding, toUnitLength } from './embedding-vectors.js';
import { isAbsent, isIntegerAtLeast, isRecord } from '../core/guards.js';
import { invalid } from './openai-errors.js';
import { openAIFormat } from './openai-format.js';
import { estimateTextTokens } from './text.js';
import type { HttpReply, RouteInfo } from './wire-format.js';

/** Inputs one request may carry. */
const MAX_INPUTS = 2048;

/** Vector size of the models the simulator knows, and whether they take `dimensions`; others: 1,536 and yes. */
const MODELS: Readonly<Record<string, { size: number; dimensions: boolean }>> = {
  'text-embedding-3-small': { size: 1536, dimensions: true },
  'text-embedding-3-large': { size: 3072, dimensions: true },
  'text-embedding-ada-002': { size: 1536, dimensions: false },
  'mistral-embed': { size: 1024, dimensions: false },
};
const UNKNOWN_MODEL = { size: 1536, dimensions: true };

/** Fields Mistral's EmbeddingRequest defines; it refuses any other. */
const MISTRAL_FIELDS: ReadonlySet<string> = new Set(['model', 'input', 'encoding_format', 'output_dimension', 'output_dtype', 'metadata']);

/** OpenAI's wording for an `input` it cannot read. */
const BAD_INPUT = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

/** What to embed: the text each vector is seeded from, and its token count. */
interface SimInput {
  seed: string;
  tokens: number;
}

/** Reads `input` as OpenAI does; undefined when it is none of the four shapes or has an empty item. */
function readInputs(input: unknown, textOnly: boolean): SimInput[] | undefined {
  if (typeof input === 'string') return input === '' ? undefined : [{ seed: input, tokens: Math.max(1, estimateTextTokens(input)) }];
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_INPUTS) return undefined;
  const items: unknown[] = input;
  if (items.every((item) => typeof item === 'string' && item !== '')) {
    return (items as string[]).map((text) => ({ seed: text, tokens: Math.max(1, estimateTextTokens(text)) }));
  }
  if (textOnly) return undefined;
  if (items.every((item) => isIntegerAtLeast(item, 0))) return [{ seed: `tokens:${items.join(',')}`, tokens: items.length }];
  if (items.every((item) => Array.isArray(item) && item.length > 0 && item.every((id) => isIntegerAtLeast(id, 0)))) {
    return (items as number[][]).map((ids) => ({ seed: `tokens:${ids.join(',')}`, tokens: ids.length }));
  }
  return undefined;
}

/** Mistral's 422 for a field its schema does not define. */
function extraForbidden(field: string): HttpReply {
  const detail = [{ type: 'extra_forbidden', loc: ['body', field], msg: 'Extra inputs are not permitted', input: null }];
  return { status: 422, body: { object: 'error', message: { detail }, type: 'invalid_request_error', param: null, code: null } };
}

function parseEmbeddings(body: unknown, route: RouteInfo): EmbeddingCall | HttpReply {
  if (!isRecord(body)) return invalid('The request body must be a JSON object.');
  const mistral = route.provider === 'mistral';
  if (mistral) {
    const extra = Object.keys(body).find((key) => !MISTRAL_FIELDS.has(key));
    if (extra !== undefined) return extraForbidden(extra);
  }
  const { model, encoding_format: encoding, dimensions } = body;
  if (typeof model !== 'string' || model === '') return invalid('you must provide a model parameter', 'model');
  const inputs = readInputs(body.input, mistral);
  if (inputs === undefined) return invalid(BAD_INPUT, 'input');
  if (!isAbsent(encoding) && encoding !== 'float' && encoding !== 'base64') {
    return invalid(`'${String(encoding)}' is not one of ['float', 'base64'] - 'encoding_format'`, 'encoding_format');
  }
  const spec = MODELS[model] ?? UNKNOWN_MODEL;
  let size = spec.size;
  if (!isAbsent(dimensions)) {
    if (!spec.dimensions) return invalid('This model does not support specifying dimensions.', 'dimensions');
    if (!isIntegerAtLeast(dimensions, 1) || dimensions > spec.size)
      return invalid(`Invalid value for 'dimensions' = ${String(dimensions)}.`, 'dimensions');
    size = dimensions;
  }
  const base64 = encoding === 'base64';
  return {
    model,
    answer: () => {
      const data = inputs.map((input, index) => {
        const vector = toUnitLength(rawEmbedding(input.seed, size));
        return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : Array.from(vector) };
      });
      const tokens = inputs.reduce((sum, input) => sum + input.tokens, 0);
      return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
    },
  };
}

/** OpenAI-format embeddings (OpenAI and the OpenAI-compatible vendors; Mistral's stricter schema under `mistral`). */
export const openAIEmbeddings: EmbeddingEndpoint = { format: openAIFormat, parse: parseEmbeddings };
