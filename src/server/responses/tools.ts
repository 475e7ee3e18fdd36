/**
 * @module Responses tools and `tool_choice` → Chat Completions tools.
 *
 * - Function tools map field for field (`strict` included; unset stays unset).
 * - Custom tools (freeform input, e.g. Codex's `apply_patch`) become function tools taking one string parameter
 *   `input`, their grammar (if any) quoted in the description so every model sees the format it must follow. The
 *   door remembers their names: a call of one comes back as a `custom_tool_call` item carrying the raw `input`.
 * - Hosted tools (`web_search`, `file_search`, `code_interpreter`, `image_generation`, `mcp`, `local_shell`,
 *   `namespace`…) run inside OpenAI's own Responses service, which no route of this gateway reaches: they are
 *   dropped, named in the `x-op-warnings` header, never refused (Codex sends them on every request) and never billed.
 * - `tool_choice`: `none` / `auto` / `required` as they are; a named function or custom tool → that function (it must
 *   be among the tools); `allowed_tools` → the tools narrowed to the allowed ones with its mode; a hosted tool → 400.
 * @see https://platform.openai.com/docs/guides/function-calling#custom-tools
 */
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { CustomTool, FunctionTool, ResponsesTool, ToolChoice } from './request-schema.js';

type ChatTool = NonNullable<ChatCompletionRequest['tools']>[number];
type ChatToolChoice = NonNullable<ChatCompletionRequest['tool_choice']>;

/** The tools of a request as Chat Completions takes them. */
export interface TranslatedTools {
  tools: ChatTool[];
  toolChoice: ChatToolChoice | undefined;
  /** Names of the custom tools (their calls are answered as `custom_tool_call` items). */
  customNames: ReadonlySet<string>;
  /** Hosted tool types that were dropped, as sent (for the warning header). */
  dropped: string[];
  /** The function and custom tools as the Response echoes them (`parameters` and `strict` always present). */
  echo: Record<string, unknown>[];
}

function isFunctionTool(tool: ResponsesTool): tool is FunctionTool {
  return tool.type === 'function';
}

function isCustomTool(tool: ResponsesTool): tool is CustomTool {
  return tool.type === 'custom';
}

/** Translates `tools` and `tool_choice`; throws a 400 naming the parameter for a duplicate name or a bad choice. */
export function translateTools(tools: readonly ResponsesTool[], choice: ToolChoice | null | undefined): TranslatedTools {
  const byName = new Map<string, ChatTool>();
  const customNames = new Set<string>();
  const dropped: string[] = [];
  const echo: Record<string, unknown>[] = [];
  tools.forEach((tool, index) => {
    if (!isFunctionTool(tool) && !isCustomTool(tool)) {
      dropped.push(tool.type);
      return;
    }
    if (byName.has(tool.name)) throw invalidRequest(`Duplicate tool name '${tool.name}'.`, `tools[${index}].name`);
    if (isFunctionTool(tool)) {
      byName.set(tool.name, functionTool(tool));
      echo.push({ ...tool, parameters: tool.parameters ?? null, strict: tool.strict ?? null });
    } else {
      byName.set(tool.name, customTool(tool));
      customNames.add(tool.name);
      echo.push({
        type: 'custom',
        name: tool.name,
        ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
        ...(tool.format ? { format: tool.format } : {}),
      });
    }
  });
  const { tools: chosen, toolChoice } = applyChoice([...byName.values()], choice, customNames);
  return { tools: chosen, toolChoice: chosen.length > 0 ? toolChoice : undefined, customNames, dropped, echo };
}

function functionTool(tool: FunctionTool): ChatTool {
  const fn: ChatTool['function'] = { name: tool.name };
  if (typeof tool.description === 'string') fn.description = tool.description;
  if (tool.parameters !== null && tool.parameters !== undefined) fn.parameters = tool.parameters;
  if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

function customTool(tool: CustomTool): ChatTool {
  const format = tool.format;
  const grammar =
    format?.type === 'grammar' ? `The input must follow this ${format.syntax} grammar:\n${format.definition}` : 'The input is free text, not JSON.';
  const description = typeof tool.description === 'string' && tool.description !== '' ? `${tool.description}\n\n${grammar}` : grammar;
  return {
    type: 'function',
    function: {
      name: tool.name,
      description,
      parameters: {
        type: 'object',
        properties: { input: { type: 'string', description: 'The raw input of the tool.' } },
        required: ['input'],
        additionalProperties: false,
      },
    },
  };
}

function applyChoice(
  tools: ChatTool[],
  choice: ToolChoice | null | undefined,
  customNames: ReadonlySet<string>,
): { tools: ChatTool[]; toolChoice: ChatToolChoice | undefined } {
  if (choice === null || choice === undefined) return { tools, toolChoice: undefined };
  if (typeof choice === 'string') return { tools, toolChoice: choice };
  switch (choice.type) {
    case 'function':
    case 'custom': {
      const name = 'name' in choice ? choice.name : '';
      const known = tools.some((tool) => tool.function.name === name) && customNames.has(name) === (choice.type === 'custom');
      if (!known) throw invalidRequest(`\`tool_choice\` names ${choice.type} tool '${name}', which is not in \`tools\`.`, 'tool_choice.name');
      return { tools, toolChoice: { type: 'function', function: { name } } };
    }
    case 'allowed_tools': {
      const allowed = new Set('tools' in choice ? choice.tools.flatMap((tool) => (typeof tool.name === 'string' ? [tool.name] : [])) : []);
      const mode = 'mode' in choice ? choice.mode : 'auto';
      return { tools: tools.filter((tool) => allowed.has(tool.function.name)), toolChoice: mode };
    }
    default:
      throw invalidRequest(
        `\`tool_choice\` names the hosted tool '${choice.type}', which this gateway does not run; choose a function or custom tool.`,
        'tool_choice',
      );
  }
}
