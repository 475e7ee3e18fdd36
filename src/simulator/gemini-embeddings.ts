/**
 * @module `POST /google/v1beta/models/{model}:batchEmbedContents`: one embedding per `EmbedContentRequest`, at most
 * 100 a call (Google's 400 beyond), `outputDimensionality` honoured. As with `gemini-embedding-001`, only full-size
 * vectors are unit length: a cut vector is the prefix of the full one, not scaled again, and no token counts are
 * reported.
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */

import type { EmbeddingCall, EmbeddingEndpoint } from './embedding-call.js';
import { rawEmbedding, toUnitLength } from './embedding-vectors.js';
import { invalid } from './gemini-errors.js';
import { geminiFormat } from './gemini-format.js';
import { isAbsent, isIntegerAtLeast, isRecord } from '../core/guards.js';
import type { HttpReply, RouteInfo } from './wire-format.js';

/** Requests one batch may hold. */
const MAX_BATCH = 100;

/** Full vector size of the models the simulator knows; others: 3,072. */
const SIZES: Readonly<Record<string, number>> = { 'gemini-embedding-001': 3072, 'text-embedding-004': 768 };

/** The text of a Content's parts, or undefined when it has none. */
function contentText(content: unknown): string | undefined {
  if (!isRecord(content) || !Array.isArray(content.parts) || content.parts.length === 0) return undefined;
  let text = '';
  for (const part of content.parts as unknown[]) {
    if (!isRecord(part) || typeof part.text !== 'string') return undefined;
    text += part.text;
  }
  return text;
}

function parseBatch(body: unknown, route: RouteInfo): EmbeddingCall | HttpReply {
  const model = route.pathModel ?? '';
  const requests = isRecord(body) ? body.requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0) return invalid('* BatchEmbedContentsRequest.requests: requests must not be empty\n');
  if (requests.length > MAX_BATCH) return invalid('* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n');
  const full = SIZES[model] ?? 3072;
  const items: { text: string; size: number }[] = [];
  for (const [i, request] of (requests as unknown[]).entries()) {
    const at = `* BatchEmbedContentsRequest.requests[${i}]`;
    if (!isRecord(request) || request.model !== `models/${model}`) return invalid(`${at}.model: must be the model of the URL, models/${model}\n`);
    const text = contentText(request.content);
    if (text === undefined) return invalid(`${at}.content.parts: each part must have text\n`);
    const size = request.outputDimensionality;
    if (!isAbsent(size) && (!isIntegerAtLeast(size, 1) || size > full)) {
      return invalid(`${at}.output_dimensionality: must be between 1 and ${full}\n`);
    }
    items.push({ text, size: isAbsent(size) ? full : size });
  }
  return {
    model,
    answer: () => ({ embeddings: items.map((item) => ({ values: Array.from(toUnitLength(rawEmbedding(item.text, full)).subarray(0, item.size)) })) }),
  };
}

/** Gemini's batch embeddings. */
export const geminiEmbeddings: EmbeddingEndpoint = { format: geminiFormat, parse: parseBatch };
