/**
 * @module OpenAI `response_format` → Anthropic structured output, and the reserved `json_output` tool.
 *
 * - `json_schema` (with a schema) → `output_config.format = {type: 'json_schema', schema}`: the answer is plain
 *   text that matches the schema, so nothing changes on the way back.
 * - `json_object` has no Anthropic equivalent. It is emulated with a tool whose input is any JSON object
 *   (`json_output`), which the model is made to call; the translators then return that tool's input as the message
 *   `content` (not as a tool call) and finish with `stop`.
 *
 * The translators recognise the emulation by the tool name alone (they see no request), so the name is reserved: a
 * client tool called `json_output`, `json_output_`, … is sent upstream with one more `_` and gets it removed on the
 * way back. The renaming is a bijection, so every client tool name still round-trips exactly.
 * @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use#json-mode
 */
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import type { AnthropicTool, AnthropicToolChoice } from './tools.js';

/** The tool that carries a `json_object` answer. */
export const ANTHROPIC_JSON_OUTPUT_TOOL = 'json_output';

/** Client tool names that must be escaped so they cannot be mistaken for {@link ANTHROPIC_JSON_OUTPUT_TOOL}. */
const RESERVED_NAME = /^json_output_*$/;
const ESCAPED_NAME = /^json_output_+$/;

/** A client tool name as sent to Anthropic (see the module comment). */
export function escapeAnthropicToolName(name: string): string {
  return RESERVED_NAME.test(name) ? `${name}_` : name;
}

/** The client's tool name for a `tool_use` name that is not the JSON-output tool. */
export function unescapeAnthropicToolName(name: string): string {
  return ESCAPED_NAME.test(name) ? name.slice(0, -1) : name;
}

/** Whether a `tool_use` block is the `json_object` emulation rather than a client tool call. */
export function isAnthropicJsonOutputTool(name: string): boolean {
  return name === ANTHROPIC_JSON_OUTPUT_TOOL;
}

/** What a `response_format` adds to the Messages body. */
export interface AnthropicOutputSettings {
  output_config?: { format: { type: 'json_schema'; schema: Record<string, unknown> } };
  /** Appended to the client's tools. */
  tool?: AnthropicTool;
  /** Replaces the tool choice built from the client's settings. */
  tool_choice?: AnthropicToolChoice;
}

const JSON_OUTPUT_TOOL: AnthropicTool = {
  name: ANTHROPIC_JSON_OUTPUT_TOOL,
  description: 'Respond with your complete answer as a single JSON object.',
  input_schema: { type: 'object' },
};

/**
 * Emulates `json_object` with the forced `json_output` tool. When the client also offers tools under `auto`, the
 * model must call some tool (`any`): one of the client's, or `json_output` for its answer. When the client already
 * requires a tool call (`required` or a named function), the answer is a tool call anyway, so nothing is added.
 */
function jsonObjectSettings(choice: AnthropicToolChoice | undefined, hasClientTools: boolean): AnthropicOutputSettings {
  const forced: AnthropicToolChoice = { type: 'tool', name: ANTHROPIC_JSON_OUTPUT_TOOL };
  if (choice === undefined || choice.type === 'none') return { tool: JSON_OUTPUT_TOOL, tool_choice: forced };
  switch (choice.type) {
    case 'auto': {
      if (!hasClientTools) return { tool: JSON_OUTPUT_TOOL, tool_choice: forced };
      const any: AnthropicToolChoice = { type: 'any' };
      if (choice.disable_parallel_tool_use === true) any.disable_parallel_tool_use = true;
      return { tool: JSON_OUTPUT_TOOL, tool_choice: any };
    }
    case 'any':
    case 'tool':
      return {};
    default: {
      const unreachable: never = choice;
      return unreachable;
    }
  }
}

/**
 * The body additions for `response_format`. A `json_schema` without a schema only asks for JSON, so it is treated
 * like `json_object`.
 * @param choice the tool choice converted from the client's `tool_choice` / `parallel_tool_calls`
 * @param hasClientTools whether the client sent any tools
 */
export function convertAnthropicResponseFormat(
  format: ChatCompletionRequest['response_format'],
  choice: AnthropicToolChoice | undefined,
  hasClientTools: boolean,
): AnthropicOutputSettings {
  if (format === undefined) return {};
  switch (format.type) {
    case 'text':
      return {};
    case 'json_object':
      return jsonObjectSettings(choice, hasClientTools);
    case 'json_schema': {
      const schema = format.json_schema.schema;
      if (schema === undefined) return jsonObjectSettings(choice, hasClientTools);
      return { output_config: { format: { type: 'json_schema', schema } } };
    }
    default: {
      const unreachable: never = format;
      return unreachable;
    }
  }
}
