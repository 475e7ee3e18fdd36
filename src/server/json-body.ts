/**
 * @module The JSON body parser: Fastify's own (prototype-poisoning checks included), behind a nesting-depth limit.
 * A body nested thousands of levels deep parses fine but then overflows the stack of whatever walks it recursively
 * — `JSON.stringify` on the way upstream, schema validation, translation — and such a failure must not happen deep
 * in the pipeline (where it once looked like a provider failure and opened circuit breakers for every tenant).
 * So depth is checked first, in one linear pass over the text, and a deeper body is a 400 before anything else.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidRequest } from '../core/gateway-error.js';

/**
 * The deepest nesting of objects and arrays in `text` (0 for a scalar), or `limit + 1` as soon as it is exceeded.
 * Brackets inside strings do not count. The text need not be valid JSON: the parser judges that afterwards.
 */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c)
        i += 1; // a backslash escapes the next character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (code === 0x7d || code === 0x5d) {
      depth -= 1;
    }
  }
  return deepest;
}

/** Replaces the `application/json` parser with one that refuses bodies nested deeper than `maxDepth`. */
export function registerJsonBodyParser(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonDepth(text, maxDepth) > maxDepth) {
      done(invalidRequest(`The request body is nested more than ${maxDepth} levels deep.`), undefined);
      return;
    }
    // Fastify's default JSON parser is callback-style: it calls done and returns nothing. Its declared type is the
    // union of the callback and the async parser shapes, so `void` says no Promise is dropped here.
    void parse(request, text, done);
  });
}
