/**
 * @module OpenAI `tools`, `tool_choice` and `parallel_tool_calls` → Anthropic `tools` and `tool_choice`.
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use
 */
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import { escapeAnthropicToolName } from './json-output.js';

export type AnthropicTool = { name: string; description?: string; input_schema: Record<string, unknown> };
export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface ConvertedTools {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  warnings: string[];
}

type OpenAITool = NonNullable<ChatCompletionRequest['tools']>[number];
type OpenAIToolChoice = NonNullable<ChatCompletionRequest['tool_choice']>;

/**
 * A tool without `parameters` takes no arguments; Anthropic still wants an object schema. Names that could be taken
 * for the reserved JSON-output tool are escaped (see `json-output.ts`).
 */
function toAnthropicTool({ function: fn }: OpenAITool): AnthropicTool {
  const name = escapeAnthropicToolName(fn.name);
  const tool: AnthropicTool = { name, input_schema: fn.parameters ?? { type: 'object', properties: {} } };
  if (fn.description !== undefined) tool.description = fn.description;
  return tool;
}

/**
 * `auto` → `auto`, `none` → `none`, `required` → `any`, a named function → `tool`.
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use
 */
function toAnthropicToolChoice(choice: OpenAIToolChoice): AnthropicToolChoice {
  if (typeof choice === 'object') return { type: 'tool', name: escapeAnthropicToolName(choice.function.name) };
  switch (choice) {
    case 'auto':
      return { type: 'auto' };
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'any' };
    default: {
      const unreachable: never = choice;
      return unreachable;
    }
  }
}

/**
 * `parallel_tool_calls: false` is `disable_parallel_tool_use: true`, which lives on the tool choice (an `auto` one
 * when the client gave none); with `none` there is nothing to disable.
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use#parallel-tool-use
 */
function withParallelSetting(choice: AnthropicToolChoice | undefined, parallel: boolean | undefined): AnthropicToolChoice | undefined {
  if (parallel !== false) return choice;
  const base = choice ?? { type: 'auto' };
  return base.type === 'none' ? base : { ...base, disable_parallel_tool_use: true };
}

/**
 * Converts the tool settings. Without tools nothing is sent: a `tool_choice` is then dropped with a warning, as
 * is `strict` (Anthropic's `strict` is not available on every model, and its compat layer ignores it).
 */
export function convertToAnthropicTools(req: ChatCompletionRequest): ConvertedTools {
  const warnings: string[] = [];
  if (req.tools === undefined || req.tools.length === 0) {
    if (req.tool_choice !== undefined) warnings.push('tool_choice');
    return { warnings };
  }
  if (req.tools.some((tool) => tool.function.strict === true)) warnings.push('tools[].function.strict');
  const choice = req.tool_choice === undefined ? undefined : toAnthropicToolChoice(req.tool_choice);
  const toolChoice = withParallelSetting(choice, req.parallel_tool_calls);
  const result: ConvertedTools = { tools: req.tools.map(toAnthropicTool), warnings };
  if (toolChoice !== undefined) result.tool_choice = toolChoice;
  return result;
}
