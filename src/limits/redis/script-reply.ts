/**
 * @module Narrowing of script replies. Redis hands Lua numbers back as integers and Lua strings as strings; a reply
 * of another shape means a script and its caller disagree, which is a bug reported as one.
 */

/** The reply as an array of `length` elements. */
export function replyArray(reply: unknown, length: number, script: string): readonly unknown[] {
  if (Array.isArray(reply) && reply.length === length) return reply;
  throw new Error(`Unexpected reply from the ${script} script: ${JSON.stringify(reply)}`);
}

/** An integer reply, or an integer string (how amounts come back). */
export function replyNumber(value: unknown, script: string): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number === 'number' && Number.isFinite(number)) return number;
  throw new Error(`Unexpected value from the ${script} script: ${JSON.stringify(value)}`);
}

/** A string reply. */
export function replyString(value: unknown, script: string): string {
  if (typeof value === 'string') return value;
  throw new Error(`Unexpected value from the ${script} script: ${JSON.stringify(value)}`);
}

/** An amount as a script argument: an integer string (HINCRBY refuses fractions), '-0' never. */
export function intArg(value: number): string {
  const rounded = Math.round(value);
  return rounded === 0 ? '0' : String(rounded);
}
