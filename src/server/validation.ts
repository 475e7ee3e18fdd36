/**
 * @module Ajv validation errors (from Fastify's schema check) → one clear OpenAI-style message and `param`.
 */
import { invalidRequest, type GatewayError } from '../core/gateway-error.js';

/** The subset of Ajv's ErrorObject that Fastify hands over. */
export interface SchemaIssue {
  keyword: string;
  instancePath: string;
  message?: string | undefined;
  params: Record<string, unknown>;
}

/** `/messages/0/role` → `messages[0].role`. */
export function pointerToParam(pointer: string): string {
  let param = '';
  for (const segment of pointer.split('/').slice(1)) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    param += /^\d+$/.test(key) ? `[${key}]` : param === '' ? key : `.${key}`;
  }
  return param;
}

/**
 * Picks the most specific issue (deepest path; unions report one issue per branch) and phrases it with the
 * field name. `const` issues at one path are folded into "must be one of …".
 */
export function schemaIssuesToError(issues: readonly SchemaIssue[]): GatewayError {
  const specific = issues.filter((i) => i.keyword !== 'anyOf' && i.keyword !== 'oneOf');
  const pool = specific.length > 0 ? specific : issues;
  let best = pool[0];
  for (const issue of pool) {
    if (best === undefined || depth(issue.instancePath) > depth(best.instancePath)) best = issue;
  }
  if (best === undefined) return invalidRequest('The request body is invalid.');
  const param = best.keyword === 'required' ? joinParam(best.instancePath, String(best.params.missingProperty)) : pointerToParam(best.instancePath);
  const allowed = pool.filter((i) => i.keyword === 'const' && i.instancePath === best.instancePath).map((i) => JSON.stringify(i.params.allowedValue));
  const reason = allowed.length > 1 ? `must be one of ${allowed.join(', ')}` : (best.message ?? 'is invalid');
  const subject = param === '' ? 'The request body' : `\`${param}\``;
  const message = best.keyword === 'required' ? `Missing required parameter: \`${param}\`.` : `Invalid value for ${subject}: ${reason}.`;
  return invalidRequest(message, param === '' ? null : param);
}

function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length;
}

function joinParam(pointer: string, property: string): string {
  const parent = pointerToParam(pointer);
  return parent === '' ? property : `${parent}.${property}`;
}
