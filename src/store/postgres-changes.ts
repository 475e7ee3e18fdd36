/**
 * @module Noticing writes made by other processes on PostgreSQL. Migration 0004's triggers send a NOTIFY on
 * {@link CHANGE_CHANNEL} whenever a statement changes `accounts`, `api_keys` or `provider_credentials`; one
 * dedicated connection LISTENs and turns each notification for its schema into a bump of a local counter, which
 * `Store.dataVersion()` returns. Reading the counter costs nothing, so the key cache can poll it as often as it likes
 * without a query per poll or per request.
 *
 * Nothing may be missed silently: the counter is also bumped each time LISTEN is (re-)established and each time the
 * connection fails, because notifications sent while nobody listened are lost. A reader that reloads on every change
 * of the counter therefore never keeps a stale table past a reconnect.
 */
import { Client, type ClientConfig, type Notification } from 'pg';

/** The NOTIFY channel the triggers send on; the payload is the schema of the table that changed. */
export const CHANGE_CHANNEL = 'originalpoint_data_changed';

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

/** A counter bumped by PostgreSQL notifications; listening starts on first use and survives reconnects. */
export class ChangeCounter {
  readonly #options: Required<ChangeCounterOptions>;
  #version = 0;
  #client: Client | undefined;
  #schema: string | null = null;
  #started = false;
  #closed = false;
  #listening = false;
  #failures = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

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
    } catch (error) {
      this.#fail(client, error);
      return;
    }
    if (this.#client !== client) return;
    this.#failures = 0;
    this.#listening = true;
    this.#version += 1;
    this.#heartbeatTimer = setInterval(() => {
      client.query('select 1').catch((error: unknown) => this.#fail(client, error));
    }, this.#options.heartbeatMs);
    this.#heartbeatTimer.unref();
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }

  #onNotification(message: Notification): void {
    if (message.channel !== CHANGE_CHANNEL) return;
    // Tables in other schemas (other deployments, parallel test files) are none of this store's business.
    if (this.#schema !== null && message.payload !== this.#schema) return;
    this.#version += 1;
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
