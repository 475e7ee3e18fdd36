/**
 * Validates gateway output against the official OpenAI schemas kept in `shared/reference/` (Ajv, draft 2020-12).
 * The schemas file is copied into `test/fixtures/` so a clone runs without `../shared`.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

type SchemaName =
  | 'CreateChatCompletionResponse'
  | 'CreateChatCompletionStreamResponse'
  | 'ListModelsResponse'
  | 'Model'
  | 'ErrorResponse';

const document = JSON.parse(readFileSync(new URL('./fixtures/openai-chat-schemas.json', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, unknown> };
};

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: 'openai', components: document.components });
const compiled = new Map<SchemaName, ValidateFunction>();

/** Throws with Ajv's messages when `value` does not match the named OpenAI schema. */
export function validateOpenAI(name: SchemaName, value: unknown): void {
  let validate = compiled.get(name);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: `openai#/components/schemas/${name}` });
    compiled.set(name, validate);
  }
  if (!validate(value)) {
    throw new Error(`${name} schema violation: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`);
  }
}
