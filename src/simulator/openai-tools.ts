/**
 * @module OpenAI `tools`, `tool_choice` and `parallel_tool_calls`: which function tools the simulated model calls.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools
 */

import { isAbsent, isRecord } from '../core/guards.js';
import { invalid } from './openai-errors.js';
import { NO_TOOLS, selectTools, type ToolPlan, type ToolSpec } from './tool-calls.js';
import type { HttpReply } from './wire-format.js';

/** Function tools of `tools[]`; custom (free-form) tools are accepted but never called. */
function offeredTools(tools: unknown[]): ToolSpec[] | HttpReply {
  const offered: ToolSpec[] = [];
  for (const [index, tool] of tools.entries()) {
    if (!isRecord(tool)) {
      return invalid(`Invalid type for 'tools[${index}]': expected an object.`, `tools[${index}]`, 'invalid_type');
    }
    if (tool.type === 'custom') continue;
    if (tool.type !== 'function') {
      return invalid(
        `Invalid value: '${String(tool.type)}'. Supported values are: 'function' and 'custom'.`,
        `tools[${index}].type`,
        'invalid_value',
      );
    }
    const fn = tool.function;
    if (!isRecord(fn) || typeof fn.name !== 'string' || fn.name.length === 0) {
      return invalid(`Missing required parameter: 'tools[${index}].function.name'.`, `tools[${index}].function.name`, 'missing_required_parameter');
    }
    offered.push({ name: fn.name, parameters: isAbsent(fn.parameters) ? undefined : fn.parameters });
  }
  return offered;
}

/** Names `tool_choice` restricts the model to: undefined = any tool, [] = none. */
function choiceNames(choice: unknown): string[] | undefined | HttpReply {
  if (isAbsent(choice) || choice === 'auto' || choice === 'required') return undefined;
  if (choice === 'none') return [];
  if (isRecord(choice) && choice.type === 'function' && isRecord(choice.function) && typeof choice.function.name === 'string') {
    return [choice.function.name];
  }
  if (isRecord(choice) && choice.type === 'allowed_tools' && isRecord(choice.allowed_tools)) {
    const listed = Array.isArray(choice.allowed_tools.tools) ? choice.allowed_tools.tools : [];
    return listed.flatMap((tool) =>
      isRecord(tool) && isRecord(tool.function) && typeof tool.function.name === 'string' ? [tool.function.name] : [],
    );
  }
  return invalid("Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or a named function.", 'tool_choice', 'invalid_value');
}

/**
 * What the request lets the model call. The simulator calls a tool whenever one is allowed (`auto` behaves like
 * `required`), except when the conversation ends with tool results: then it answers in text.
 */
export function readOpenAITools(body: Record<string, unknown>, answeringToolResult: boolean): ToolPlan | HttpReply {
  const { tools } = body;
  if (!Array.isArray(tools) || tools.length === 0) {
    if (isAbsent(body.tool_choice)) return NO_TOOLS;
    return invalid("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", 'tool_choice');
  }
  const offered = offeredTools(tools);
  if ('status' in offered) return offered;
  const names = choiceNames(body.tool_choice);
  if (names !== undefined && 'status' in names) return names;
  const { tools: callable, unknown } = selectTools(offered, names);
  if (unknown.length > 0) {
    return invalid(`Invalid value for 'tool_choice': no function named '${unknown[0] ?? ''}' in 'tools'.`, 'tool_choice', 'invalid_value');
  }
  return {
    callable: answeringToolResult ? [] : callable,
    maxParallelCalls: body.parallel_tool_calls === false ? 1 : Number.POSITIVE_INFINITY,
  };
}
