/**
 * @module Gemini `tools[].functionDeclarations` and `toolConfig.functionCallingConfig`: which functions the
 * simulated model calls. Built-in tools (`googleSearch`, `codeExecution`, …) are accepted and never called.
 * @see https://ai.google.dev/gemini-api/docs/function-calling
 */

import { invalid } from './gemini-errors.js';
import { isAbsent, isRecord, isStringArray } from '../core/guards.js';
import { NO_TOOLS, selectTools, type ToolPlan, type ToolSpec } from './tool-calls.js';
import type { HttpReply } from './wire-format.js';

/** Every function declaration of every tool; `parametersJsonSchema` and `parameters` (OpenAPI subset) both work. */
function declarations(tools: unknown[]): ToolSpec[] | HttpReply {
  const offered: ToolSpec[] = [];
  for (const [index, tool] of tools.entries()) {
    if (!isRecord(tool) || !Array.isArray(tool.functionDeclarations)) continue;
    for (const [position, declaration] of tool.functionDeclarations.entries()) {
      if (!isRecord(declaration) || typeof declaration.name !== 'string' || declaration.name.length === 0) {
        const field = `tools[${index}].function_declarations[${position}].name`;
        return invalid(`* GenerateContentRequest.${field}: Name cannot be empty.\n`);
      }
      const schema = isAbsent(declaration.parametersJsonSchema) ? declaration.parameters : declaration.parametersJsonSchema;
      offered.push({ name: declaration.name, parameters: isAbsent(schema) ? undefined : schema });
    }
  }
  return offered;
}

/**
 * What the request lets the model call: every declared function unless the mode is `NONE`, narrowed by
 * `allowedFunctionNames`. `AUTO` behaves like `ANY` (the simulator always calls when it may), except when the last
 * turn carries function responses: then it answers in text. Gemini has no switch for parallel calls.
 */
export function readGeminiTools(body: Record<string, unknown>, answeringToolResult: boolean): ToolPlan | HttpReply {
  if (!Array.isArray(body.tools) || body.tools.length === 0) return NO_TOOLS;
  const offered = declarations(body.tools);
  if ('status' in offered) return offered;
  if (offered.length === 0) return NO_TOOLS;
  const config = isRecord(body.toolConfig) ? body.toolConfig.functionCallingConfig : undefined;
  const mode = isRecord(config) && typeof config.mode === 'string' ? config.mode : 'AUTO';
  const allowed = isRecord(config) && isStringArray(config.allowedFunctionNames) ? config.allowedFunctionNames : undefined;
  const { tools: callable, unknown } = selectTools(offered, mode === 'NONE' ? [] : allowed);
  if (unknown.length > 0) {
    return invalid(
      '* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: ' +
        `function ${unknown[0] ?? ''} is not declared in tools\n`,
    );
  }
  return { callable: answeringToolResult ? [] : callable, maxParallelCalls: Number.POSITIVE_INFINITY };
}
