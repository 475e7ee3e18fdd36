/**
 * @module Cancelling the upstream calls of a request whose client went away. undici accepts, besides an
 * AbortSignal, any EventEmitter with `aborted` that emits `abort`; such an emitter costs a fraction of an
 * AbortController and its EventTarget listeners (about 20 µs a request in a profile of the hot path), and the chat
 * route makes one for every request.
 */
import { EventEmitter } from 'node:events';

/** A cancellation the gateway can observe: an AbortSignal (tests, callers of the library) or a {@link Cancellation}. */
export type CancelSignal = AbortSignal | Cancellation;

/** One request's cancellation: `cancel()` sets `aborted` and emits `abort` once. */
export class Cancellation extends EventEmitter {
  aborted = false;

  cancel(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}
