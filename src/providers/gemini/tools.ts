/**
 * @module OpenAI `tools` / `tool_choice` → Gemini `tools` / `toolConfig`.
 *
 * Parameters go in `parametersJsonSchema`, which takes plain JSON Schema, so no conversion to Gemini's
 * OpenAPI-subset `parameters` is needed. OpenAI's `strict` has no equivalent and is reported as a warning.
 * @see https://ai.google.dev/gemini-api/docs/function-calling
 * @see https://ai.google.dev/api/caching#FunctionCallingConfig
 */
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import type { GeminiFunctionCallingConfig, GeminiFunctionDeclaration } from './api-request.js';

type OpenAITool = NonNullable<ChatCompletionRequest['tools']>[number];
type OpenAIToolChoice = NonNullable<ChatCompletionRequest['tool_choice']>;

/** One Gemini tool holding a declaration per OpenAI function. */
export function convertGeminiTools(tools: OpenAITool[]): { functionDeclarations: GeminiFunctionDeclaration[] }[] {
  const functionDeclarations = tools.map(({ function: fn }) => {
    const declaration: GeminiFunctionDeclaration = { name: fn.name };
    if (fn.description !== undefined) declaration.description = fn.description;
    if (fn.parameters !== undefined) declaration.parametersJsonSchema = fn.parameters;
    return declaration;
  });
  return [{ functionDeclarations }];
}

/** `auto` → AUTO, `none` → NONE, `required` → ANY, a named function → ANY restricted to that name. */
export function convertGeminiToolChoice(choice: OpenAIToolChoice): GeminiFunctionCallingConfig {
  if (typeof choice === 'object') return { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
  switch (choice) {
    case 'auto':
      return { mode: 'AUTO' };
    case 'none':
      return { mode: 'NONE' };
    case 'required':
      return { mode: 'ANY' };
    default: {
      const exhaustive: never = choice;
      return exhaustive;
    }
  }
}
