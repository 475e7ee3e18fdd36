/**
 * Validates gateway output against the official OpenAI schemas kept in `shared/reference/` (Ajv, draft 2020-12).
 * The schemas files are copied into `test/fixtures/` so a clone runs without `../shared`.
 *
 * Our extension `usage.cost_usd` passes: the official `CompletionUsage` and the embeddings answer's `usage` do not
 * forbid extra properties, so it is checked by the tests themselves, not here.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

type ChatSchemaName = 'CreateChatCompletionResponse' | 'CreateChatCompletionStreamResponse' | 'ListModelsResponse' | 'Model' | 'ErrorResponse';

/** Schemas of `openai-responses-embeddings-schemas.json` (the Responses and Embeddings APIs). */
type ResponsesEmbeddingsSchemaName = 'CreateEmbeddingResponse' | 'Response' | 'ResponseStreamEvent';

type SchemaName = ChatSchemaName | ResponsesEmbeddingsSchemaName;

/** Which copied document holds each schema (the two share some names, so each is its own Ajv schema). */
const DOCUMENT_OF: Record<SchemaName, string> = {
  CreateChatCompletionResponse: 'openai',
  CreateChatCompletionStreamResponse: 'openai',
  ListModelsResponse: 'openai',
  Model: 'openai',
  ErrorResponse: 'openai',
  CreateEmbeddingResponse: 'openai-responses-embeddings',
  Response: 'openai-responses-embeddings',
  ResponseStreamEvent: 'openai-responses-embeddings',
};

function loadComponents(file: string): { components: { schemas: Record<string, unknown> } } {
  return JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as { components: { schemas: Record<string, unknown> } };
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: 'openai', components: loadComponents('openai-chat-schemas.json').components });
ajv.addSchema({ $id: 'openai-responses-embeddings', components: loadComponents('openai-responses-embeddings-schemas.json').components });
const compiled = new Map<SchemaName, ValidateFunction>();

/** Throws with Ajv's messages when `value` does not match the named OpenAI schema. */
export function validateOpenAI(name: SchemaName, value: unknown): void {
  let validate = compiled.get(name);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: `${DOCUMENT_OF[name]}#/components/schemas/${name}` });
    compiled.set(name, validate);
  }
  if (!validate(value)) {
    throw new Error(`${name} schema violation: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`);
  }
}
