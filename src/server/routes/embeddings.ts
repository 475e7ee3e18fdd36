/**
 * @module `POST /v1/embeddings`: the embeddings front door. It validates the body against OpenAI's schema and the
 * named embedding model (inputs, dimensions, token ids, the per-request caps: see `core/embedding-request.ts`) into
 * the canonical request; the pipeline routes, admits, dispatches, settles and records it; the door answers in
 * OpenAI's shape, vectors as floats or base64 as asked, with `usage.cost_usd`.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
import type { FastifyInstance } from 'fastify';
import type { RequestBounds } from '../../config/types.js';
import { EmbeddingRequestSchema, parseEmbeddingRequest, type EmbeddingRequestBody } from '../../core/embedding-request.js';
import { toEmbeddingData } from '../../core/embedding-response.js';
import { encodeFloat32Base64 } from '../../core/vectors.js';
import type { Pipeline } from '../../pipeline/index.js';
import { streamArrayAnswer } from '../json-answer.js';
import { schemaIssuesToError, type SchemaIssue } from '../validation.js';

/** Values (inputs × dimensions) above which the answer is written a batch at a time instead of in one piece. */
const STREAMED_ANSWER_VALUES = 65_536;

/** Registers the embeddings route. */
export function registerEmbeddings(app: FastifyInstance, pipeline: Pipeline, bounds: RequestBounds): void {
  const options = { schema: { body: EmbeddingRequestSchema }, attachValidation: true, onError: pipeline.refusedBodyHook('embeddings') };
  app.post('/v1/embeddings', options, (request, reply) => {
    const raw: unknown = request.body;
    const described = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const facts = { endpoint: 'embeddings' as const, requestedModel: typeof described.model === 'string' ? described.model : '', stream: false };
    return pipeline.handle(request, reply, facts, async (lifecycle) => {
      if (request.validationError !== undefined) throw schemaIssuesToError(request.validationError.validation as SchemaIssue[]);
      const body = raw as EmbeddingRequestBody;
      const req = parseEmbeddingRequest(body, pipeline.embeddingModel(body.model), bounds);
      const { vectors, usage } = await pipeline.embed(lifecycle, reply, req);
      const tail = { model: req.model, usage: { prompt_tokens: usage.prompt_tokens, total_tokens: usage.total_tokens, cost_usd: usage.cost_usd } };
      if (vectors.length * req.dimensions <= STREAMED_ANSWER_VALUES) {
        await reply.send({ object: 'list', data: toEmbeddingData(vectors, req.encodingFormat), ...tail });
        return;
      }
      // A large answer (up to requests.embeddingMaxValues) would hold the event loop for seconds in one stringify.
      const base64 = req.encodingFormat === 'base64';
      const item = (index: number): unknown => {
        const vector = vectors[index] ?? new Float32Array();
        return { object: 'embedding', index, embedding: base64 ? encodeFloat32Base64(vector) : Array.from(vector) };
      };
      reply.type('application/json; charset=utf-8');
      await reply.send(
        streamArrayAnswer({ head: { object: 'list' }, key: 'data', count: vectors.length, item, valuesPerItem: req.dimensions, tail }),
      );
    });
  });
}
