/**
 * @module A Redis stream of routing events shared by all instances on a prefix. Each instance appends its own
 * events (batched: one XADD per flush interval, carrying a JSON array) and tails everyone else's with a blocking
 * XREAD on a connection of its own, from where it left off, so a reconnect loses nothing the stream still holds.
 * A starting instance first replays the last `replayMs` of events, so it learns of an open circuit at once.
 *
 * The stream is capped (about `maxEntries` batches) and expires when nobody writes, so it never grows unbounded.
 */
import type { Redis } from 'ioredis';
import { createBlockingConnection } from '../../cluster/redis-client.js';

/** What a {@link RoutingEventStream} needs. */
export interface RoutingEventStreamOptions<T> {
  readonly redis: Redis;
  /** The stream's key. */
  readonly key: string;
  /** This instance's id: its own events are skipped when read back. */
  readonly instanceId: string;
  /** History a starting reader replays, ms. */
  readonly replayMs: number;
  /** How long appended events wait to be written together, ms (default 20). */
  readonly flushMs?: number;
  /** Batches kept at most, approximately (default 10,000). */
  readonly maxEntries?: number;
  /** Told about failed writes and reads (each is retried or dropped, never thrown). */
  readonly onError: (error: unknown) => void;
  /** Checks one event read back; undefined: unreadable (another version wrote it), reported and skipped. */
  readonly parse: (value: unknown) => T | undefined;
  /** What the events are, for the message about an unreadable one (e.g. `breaker`). */
  readonly kind: string;
}

/** How long a blocking read waits before asking again, ms. */
const BLOCK_MS = 1000;
/** Pause after a failed read before the next, ms. */
const RETRY_MS = 250;

/** Appends this instance's events and hands everyone else's, checked one by one, to a consumer. */
export class RoutingEventStream<T> {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #instanceId: string;
  readonly #replayMs: number;
  readonly #flushMs: number;
  readonly #maxEntries: number;
  readonly #onError: (error: unknown) => void;
  readonly #parse: (value: unknown) => T | undefined;
  readonly #kind: string;
  #buffer: T[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  #reader: Redis | undefined;
  #reading: Promise<void> | undefined;
  #closed = false;

  constructor(options: RoutingEventStreamOptions<T>) {
    this.#redis = options.redis;
    this.#key = options.key;
    this.#instanceId = options.instanceId;
    this.#replayMs = options.replayMs;
    this.#flushMs = options.flushMs ?? 20;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#onError = options.onError;
    this.#parse = options.parse;
    this.#kind = options.kind;
  }

  /** Queues an event for the next write. */
  append(event: T): void {
    if (this.#closed) return;
    this.#buffer.push(event);
    if (this.#flushTimer === undefined) {
      this.#flushTimer = setTimeout(() => void this.flush(), this.#flushMs);
      this.#flushTimer.unref();
    }
  }

  /** Writes the queued events now. A failed write is reported and its events dropped (health data is perishable). */
  async flush(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#buffer.length === 0) return;
    const events = JSON.stringify(this.#buffer);
    this.#buffer = [];
    try {
      await this.#redis
        .multi()
        .xadd(this.#key, 'MAXLEN', '~', this.#maxEntries, '*', 'o', this.#instanceId, 'e', events)
        .pexpire(this.#key, Math.max(this.#replayMs, 60_000) * 2)
        .exec();
    } catch (error) {
      this.#onError(error);
    }
  }

  /**
   * Replays the last `replayMs` of other instances' events into `consume`, then keeps tailing in the background.
   * Resolves once the replay is done, or once it has failed (reported through `onError`): the tail then keeps
   * trying, so an instance started while Redis is down catches up when it comes.
   */
  async start(consume: (event: T) => void): Promise<void> {
    if (this.#reader !== undefined) return;
    const reader = createBlockingConnection(this.#redis);
    this.#reader = reader;
    reader.on('error', this.#onError);
    let lastId = String(Date.now() - this.#replayMs);
    try {
      await reader.connect();
      const [seconds, micros] = await reader.time();
      lastId = String(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - this.#replayMs);
      lastId = await this.#readOnce(reader, lastId, 0, consume);
    } catch (error) {
      this.#onError(error);
    }
    this.#reading = this.#tail(reader, lastId, consume);
  }

  /** Writes what is queued, stops tailing and closes the reader connection. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    this.#reader?.disconnect();
    await this.#reading;
  }

  async #tail(reader: Redis, from: string, consume: (event: T) => void): Promise<void> {
    let lastId = from;
    while (!this.#closed) {
      try {
        lastId = await this.#readOnce(reader, lastId, BLOCK_MS, consume);
      } catch (error) {
        if (this.#closed) return;
        this.#onError(error);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
      }
    }
  }

  /** One XREAD after `lastId` (blocking up to `blockMs` when > 0); returns the id to read after next. */
  async #readOnce(reader: Redis, lastId: string, blockMs: number, consume: (event: T) => void): Promise<string> {
    const block = blockMs > 0 ? ['BLOCK', blockMs] : [];
    const reply = await reader.call('XREAD', 'COUNT', 1000, ...block, 'STREAMS', this.#key, lastId);
    let next = lastId;
    for (const [id, fields] of streamEntries(reply)) {
      next = id;
      const origin = fieldOf(fields, 'o');
      const events = fieldOf(fields, 'e');
      if (origin === this.#instanceId || events === undefined) continue;
      const parsed = parseEvents(events);
      if (parsed === undefined) this.#onError(new Error(`Ignored an unreadable routing event batch ${id}`));
      else for (const value of parsed) this.#consumeOne(value, consume);
    }
    return next;
  }

  #consumeOne(value: unknown, consume: (event: T) => void): void {
    const event = this.#parse(value);
    if (event === undefined) this.#onError(new Error(`Ignored an unreadable ${this.#kind} event: ${JSON.stringify(value)}`));
    else consume(event);
  }
}

/** The `[id, fields]` entries of an XREAD reply on one stream (none for a null reply). */
function streamEntries(reply: unknown): [string, readonly unknown[]][] {
  if (!Array.isArray(reply)) return [];
  const entries: [string, readonly unknown[]][] = [];
  for (const stream of reply) {
    if (!Array.isArray(stream) || !Array.isArray(stream[1])) continue;
    for (const entry of stream[1]) {
      if (Array.isArray(entry) && typeof entry[0] === 'string' && Array.isArray(entry[1])) entries.push([entry[0], entry[1]]);
    }
  }
  return entries;
}

function fieldOf(fields: readonly unknown[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1];
    if (fields[i] === name && typeof value === 'string') return value;
  }
  return undefined;
}

function parseEvents(json: string): readonly unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
