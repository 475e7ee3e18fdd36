/**
 * @module Anthropic `tools` and `tool_choice`: which client tools the simulated model calls. Server tools (web
 * search, code execution, …, recognisable by their versioned `type`) are accepted and never called.
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use
 */

import { invalid } from './anthropic-errors.js';
import { isAbsent, isRecord } from '../core/guards.js';
import { NO_TOOLS, selectTools, type ToolPlan, type ToolSpec } from './tool-calls.js';
import type { HttpReply } from './wire-format.js';

/** Client tools of `tools[]`, checked as Anthropic checks them (an `input_schema` with a top-level `type`). */
function clientTools(tools: unknown[]): ToolSpec[] | HttpReply {
  const offered: ToolSpec[] = [];
  for (const [index, tool] of tools.entries()) {
    if (!isRecord(tool)) return invalid(`tools.${index}: Input should be a valid dictionary`);
    if (typeof tool.type === 'string' && tool.type !== 'custom') continue;
    if (typeof tool.name !== 'string' || tool.name.length === 0) return invalid(`tools.${index}.custom.name: Field required`);
    const schema = tool.input_schema;
    if (!isRecord(schema)) return invalid(`tools.${index}.custom.input_schema: Field required`);
    if (schema.type === undefined) return invalid(`tools.${index}.custom.input_schema.type: Field required`);
    offered.push({ name: tool.name, parameters: schema });
  }
  return offered;
}

/** Names `tool_choice` restricts the model to (undefined = any, [] = none) and whether parallel use is off. */
function readChoice(choice: unknown): { names: string[] | undefined; single: boolean } | HttpReply {
  if (isAbsent(choice)) return { names: undefined, single: false };
  if (!isRecord(choice)) return invalid('tool_choice: Input should be a valid dictionary');
  const single = choice.disable_parallel_tool_use === true;
  switch (choice.type) {
    case 'auto':
    case 'any':
      return { names: undefined, single };
    case 'none':
      return { names: [], single };
    case 'tool':
      if (typeof choice.name !== 'string') return invalid('tool_choice.tool.name: Field required');
      return { names: [choice.name], single };
    default:
      return invalid(
        `tool_choice: Input tag '${String(choice.type)}' found using 'type' does not match any of the expected tags: ` +
          "'auto', 'any', 'tool', 'none'",
      );
  }
}

/**
 * What the request lets the model call. The simulator calls a tool whenever one is allowed (`auto` behaves like
 * `any`), except when the last user turn carries tool results: then it answers in text.
 */
export function readAnthropicTools(body: Record<string, unknown>, answeringToolResult: boolean): ToolPlan | HttpReply {
  const { tools } = body;
  if (!Array.isArray(tools) || tools.length === 0) {
    return NO_TOOLS;
  }
  const offered = clientTools(tools);
  if ('status' in offered) return offered;
  const choice = readChoice(body.tool_choice);
  if ('status' in choice) return choice;
  const { tools: callable, unknown } = selectTools(offered, choice.names);
  if (unknown.length > 0) return invalid(`tool_choice.tool.name: Tool '${unknown[0] ?? ''}' not found in tools`);
  return {
    callable: answeringToolResult ? [] : callable,
    maxParallelCalls: choice.single ? 1 : Number.POSITIVE_INFINITY,
  };
}
