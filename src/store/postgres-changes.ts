/**
 * @module Noticing writes made by other processes on PostgreSQL, on one dedicated LISTEN connection:
 *
 * - {@link CHANGE_CHANNEL} (migration 0004's triggers, now on `provider_credentials` only): each notification for
 *   this store's schema bumps a local counter, which `Store.dataVersion()` returns. Reading it costs nothing, so it
 *   can be polled as often as one likes without a query per poll.
 * - {@link KEY_CHANGE_CHANNEL} (migration 0010's triggers on `api_keys` and `accounts`): each notification names the
 *   key hashes or account ids a statement changed, and goes to the key-change listeners as it arrives.
 *
 * Nothing may be missed silently: notifications sent while nobody listened are lost, so the counter is also bumped
 * each time LISTEN is (re-)established and each time the connection fails, and key-change listeners get `all` on
 * every re-established LISTEN. A reader acting on both therefore never keeps stale data past a reconnect.
 */
import { Client, type ClientConfig, type Notification } from 'pg';
import type { KeyChange, KeyChangeListener } from './key-change-feed.js';

/** The NOTIFY channel migration 0004's triggers send on; the payload is the schema of the table that changed. */
export const CHANGE_CHANNEL = 'originalpoint_data_changed';

/**
 * The NOTIFY channel of migration 0010's triggers. Payload: `<schema>\n<kind>\n<ids>`, kind `keys` (comma-separated
 * key hashes), `accounts` (account ids) or `all` (no ids: too many rows for one payload, or a TRUNCATE).
 */
export const KEY_CHANGE_CHANNEL = 'originalpoint_keys_changed';

/** The longest payload the triggers send (PostgreSQL refuses 8000 bytes or more); longer ones become `all`. */
export const MAX_NOTICE_BYTES = 7900;

/** How a {@link ChangeCounter} connects and reports trouble. */
export interface ChangeCounterOptions {
  /** Settings of the listening connection: the pool's, so `current_schema()` names the schema the tables live in. */
  clientConfig: ClientConfig;
  /** Told when the listening connection fails; it is re-established after a delay. */
  onError: (error: unknown) => void;
  /** The first reconnect delay in ms (default 100); doubled after each further failure up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  /** The longest reconnect delay in ms (default 5000). */
  maxReconnectDelayMs?: number;
  /** How often in ms the idle connection is checked with a query (default 15000), to notice a silently dead link. */
  heartbeatMs?: number;
}

/**
 * A counter bumped by PostgreSQL notifications, and the key-change notices; listening starts on first use and
 * survives reconnects.
 */
export class ChangeCounter {
  readonly #options: Required<ChangeCounterOptions>;
  #version = 0;
  #client: Client | undefined;
  #schema: string | null = null;
  #started = false;
  #closed = false;
  #listening = false;
  /** LISTEN established at least once: every later (re-)establishment may have missed key changes. */
  #listenedBefore = false;
  readonly #keyListeners = new Set<KeyChangeListener>();
  #failures = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  /** {@link sync} calls made, the latest one a finished round trip covers, and the round trip under way. */
  #syncRequested = 0;
  #syncCovered = 0;
  #syncing: Promise<void> | undefined;

  constructor(options: ChangeCounterOptions) {
    this.#options = { reconnectDelayMs: 100, maxReconnectDelayMs: 5000, heartbeatMs: 15_000, ...options };
  }

  /** The current count. The first read starts listening. */
  get version(): number {
    this.#start();
    return this.#version;
  }

  /** Whether LISTEN is active right now. */
  get listening(): boolean {
    return this.#listening;
  }

  /** Starts listening if not yet; resolves once LISTEN is active, rejects if the counter is closed first. */
  whenListening(): Promise<void> {
    this.#start();
    if (this.#listening) return Promise.resolve();
    if (this.#closed) return Promise.reject(new Error('the change listener is closed'));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Calls `listener` for each key change of this schema, and `all` after each reconnect; returns its remover. */
  onKeyChange(listener: KeyChangeListener): () => void {
    this.#keyListeners.add(listener);
    return () => {
      this.#keyListeners.delete(listener);
    };
  }

  /**
   * Resolves once every notification committed before the call has been delivered: a round trip on the listening
   * connection, since PostgreSQL sends a session its pending notifications before the answer to its next query.
   * Concurrent calls share round trips (each waits for one that started after it), so a flood of callers costs one
   * query in flight at a time. While not listening it waits for LISTEN, whose re-establishment delivers `all`.
   */
  async sync(): Promise<void> {
    const ticket = ++this.#syncRequested;
    while (this.#syncCovered < ticket) {
      this.#syncing ??= this.#roundTrip().finally(() => {
        this.#syncing = undefined;
      });
      await this.#syncing;
    }
  }

  async #roundTrip(): Promise<void> {
    const ticket = this.#syncRequested;
    const client = this.#client;
    if (this.#listening && client !== undefined) await client.query('select 1');
    else await this.whenListening();
    this.#syncCovered = Math.max(this.#syncCovered, ticket);
  }

  /** Stops listening for good and closes the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listening = false;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#heartbeatTimer);
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('the change listener is closed'));
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    void this.#connect();
  }

  async #connect(): Promise<void> {
    this.#retryTimer = undefined;
    if (this.#closed) return;
    const client = new Client({
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      query_timeout: 10_000,
      ...this.#options.clientConfig,
    });
    this.#client = client;
    client.on('error', (error) => this.#fail(client, error));
    client.on('end', () => this.#fail(client, new Error('the change listener connection closed')));
    client.on('notification', (message: Notification) => this.#onNotification(message));
    try {
      await client.connect();
      const result = await client.query<{ schema: string | null }>('select current_schema() as schema');
      this.#schema = result.rows[0]?.schema ?? null;
      await client.query(`listen ${CHANGE_CHANNEL}`);
      await client.query(`listen ${KEY_CHANGE_CHANNEL}`);
    } catch (error) {
      this.#fail(client, error);
      return;
    }
    if (this.#client !== client) return;
    this.#failures = 0;
    this.#listening = true;
    this.#version += 1;
    if (this.#listenedBefore) this.#deliverKeyChange({ kind: 'all' });
    this.#listenedBefore = true;
    this.#heartbeatTimer = setInterval(() => {
      client.query('select 1').catch((error: unknown) => this.#fail(client, error));
    }, this.#options.heartbeatMs);
    this.#heartbeatTimer.unref();
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }

  #onNotification(message: Notification): void {
    if (message.channel === KEY_CHANGE_CHANNEL) {
      const change = parseKeyChange(message.payload ?? '', this.#schema);
      if (change !== undefined) this.#deliverKeyChange(change);
      return;
    }
    if (message.channel !== CHANGE_CHANNEL) return;
    // Tables in other schemas (other deployments, parallel test files) are none of this store's business.
    if (this.#schema !== null && message.payload !== this.#schema) return;
    this.#version += 1;
  }

  #deliverKeyChange(change: KeyChange): void {
    for (const listener of this.#keyListeners) listener(change);
  }

  /** Drops a failed connection (once: later events of a dropped client are ignored) and schedules a new one. */
  #fail(client: Client, error: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#listening = false;
    clearInterval(this.#heartbeatTimer);
    client.end().catch(() => undefined);
    if (this.#closed) return;
    this.#version += 1;
    this.#options.onError(error);
    const delay = Math.min(this.#options.reconnectDelayMs * 2 ** this.#failures, this.#options.maxReconnectDelayMs);
    this.#failures += 1;
    this.#retryTimer = setTimeout(() => void this.#connect(), delay);
    this.#retryTimer.unref();
  }
}

/**
 * The change a {@link KEY_CHANGE_CHANNEL} payload announces; undefined for another schema's. A kind this version
 * does not know (a newer gateway's trigger) counts as `all`: better a cold cache than a stale one.
 */
export function parseKeyChange(payload: string, schema: string | null): KeyChange | undefined {
  const [payloadSchema = '', kind = '', ids = ''] = payload.split('\n');
  if (schema !== null && payloadSchema !== schema) return undefined;
  const list = ids === '' ? [] : ids.split(',');
  if (kind === 'keys') return { kind: 'keys', keyHashes: list };
  if (kind === 'accounts') return { kind: 'accounts', accountIds: list };
  return { kind: 'all' };
}
