/**
 * @module Reassembles function calls whose arguments Vertex AI streams in fragments.
 *
 * The Gemini API sends every `functionCall` whole. Vertex AI (with streamed function-call arguments) may instead
 * send a call as several parts: `{name, willContinue: true}`, then parts holding only `partialArgs` — each a JSON path
 * and a value, strings arriving in pieces while the arg's own `willContinue` is true — and finally a part without
 * `willContinue` (often an empty `functionCall: {}`). The assembler builds the argument object from those fragments
 * and reports the call once it is complete, so clients still receive each tool call in one delta with valid JSON
 * arguments. A new named call, or the candidate's finish, completes a call left open.
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/multimodal/function-calling#streaming-function-call-arguments
 * @see https://www.rfc-editor.org/rfc/rfc9535 (JSON paths; the member, quoted-member and index selectors are supported)
 */
import { isRecord } from '../../core/guards.js';
import type { GeminiFunctionCall, GeminiPartialArg } from './api-response.js';

/** A function call whose arguments are all known. */
export interface CompletedFunctionCall {
  name: string;
  args: Record<string, unknown>;
  thoughtSignature?: string;
}

interface PendingCall extends CompletedFunctionCall {
  /** JSON paths of string arguments still being streamed (later fragments are appended). */
  openStrings: Set<string>;
}

type Segment = string | number;
type Container = Record<string, unknown> | unknown[];

const SEGMENT = /^(?:\.([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)|\[(\d+)\]|\['([^'\\]*)'\]|\["([^"\\]*)"\])/u;

/** Assembles the function calls of one candidate of one stream. */
export class FunctionCallAssembler {
  private pending: PendingCall | undefined;

  /**
   * Feeds one `functionCall` part. Returns the calls it completed (usually zero or one; two when a new call starts
   * while another is open), or `undefined` when the part is malformed (a fragment with no call to continue, or an
   * argument path that cannot be applied).
   */
  accept(call: GeminiFunctionCall, thoughtSignature: string | undefined): CompletedFunctionCall[] | undefined {
    const completed: CompletedFunctionCall[] = [];
    if (call.name !== undefined) {
      completed.push(...this.flush());
      this.pending = { name: call.name, args: { ...call.args }, openStrings: new Set() };
    }
    const pending = this.pending;
    if (pending === undefined) return undefined;
    if (pending.thoughtSignature === undefined && thoughtSignature !== undefined) {
      pending.thoughtSignature = thoughtSignature;
    }
    for (const arg of call.partialArgs ?? []) {
      if (!applyPartialArg(pending, arg)) return undefined;
    }
    if (!call.willContinue) completed.push(...this.flush());
    return completed;
  }

  /** Completes the open call, if any (the candidate finished). */
  flush(): CompletedFunctionCall[] {
    const pending = this.pending;
    if (pending === undefined) return [];
    this.pending = undefined;
    const call: CompletedFunctionCall = { name: pending.name, args: pending.args };
    if (pending.thoughtSignature !== undefined) call.thoughtSignature = pending.thoughtSignature;
    return [call];
  }
}

function applyPartialArg(pending: PendingCall, arg: GeminiPartialArg): boolean {
  if (arg.value !== undefined) {
    const path = parseJsonPath(arg.jsonPath);
    if (path === undefined) return false;
    const append = typeof arg.value === 'string' && pending.openStrings.has(arg.jsonPath);
    if (!setAtPath(pending.args, path, arg.value, append)) return false;
  }
  if (arg.willContinue && (arg.value === undefined || typeof arg.value === 'string')) {
    pending.openStrings.add(arg.jsonPath);
  } else {
    pending.openStrings.delete(arg.jsonPath);
  }
  return true;
}

/** `$.a['b'][0]` → `['a', 'b', 0]`; `undefined` for the bare root or an unsupported selector. */
function parseJsonPath(path: string): Segment[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const segments: Segment[] = [];
  let rest = path.slice(1);
  while (rest !== '') {
    const match = SEGMENT.exec(rest);
    if (match === null) return undefined;
    segments.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? match[3] ?? match[4] ?? ''));
    rest = rest.slice(match[0].length);
  }
  return segments.length > 0 ? segments : undefined;
}

function setAtPath(root: Record<string, unknown>, path: Segment[], value: unknown, append: boolean): boolean {
  let container: Container = root;
  for (let i = 0; i < path.length - 1; i += 1) {
    const segment = path[i] as Segment;
    let child = read(container, segment);
    if (child === undefined) {
      child = typeof path[i + 1] === 'number' ? [] : {};
      if (!write(container, segment, child)) return false;
    }
    if (!Array.isArray(child) && !isRecord(child)) return false;
    container = child;
  }
  const last = path.at(-1) as Segment;
  const existing = read(container, last);
  return write(container, last, append && typeof existing === 'string' ? existing + String(value) : value);
}

function read(container: Container, segment: Segment): unknown {
  if (Array.isArray(container)) return typeof segment === 'number' ? container[segment] : undefined;
  return typeof segment === 'string' && Object.hasOwn(container, segment) ? container[segment] : undefined;
}

/** Writes own properties only (a `__proto__` key stays data), and array indexes at most one past the end. */
function write(container: Container, segment: Segment, value: unknown): boolean {
  if (Array.isArray(container)) {
    if (typeof segment !== 'number' || segment > container.length) return false;
    container[segment] = value;
    return true;
  }
  if (typeof segment !== 'string') return false;
  Object.defineProperty(container, segment, { value, writable: true, enumerable: true, configurable: true });
  return true;
}
