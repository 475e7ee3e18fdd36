/**
 * @module Change broadcasts between gateway instances over Redis pub/sub: one channel per prefix
 * (`<prefix>:cluster`). The instance that changes its configuration publishes; every other instance's handler
 * reloads it within a round trip.
 *
 * Pub/sub delivers only to connected subscribers. When the subscription is interrupted (Redis restart, network),
 * ioredis resubscribes on reconnect and the bus then delivers every event type to its own handlers with origin
 * `resync`, since any change may have been missed meanwhile.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CLUSTER_EVENT_TYPES, decodeClusterEvent, encodeClusterEvent, type ClusterEvent, type ClusterEventType } from './cluster-events.js';
import { createBlockingConnection } from './redis-client.js';

/** What a {@link ClusterBus} needs. */
export interface ClusterBusOptions {
  /** The instance's client; the bus publishes on it and subscribes on a duplicate of it. */
  readonly redis: Redis;
  /** Instances that share state share the prefix. */
  readonly prefix: string;
  /** This instance's id; defaults to a random one. Events it published are not delivered back to it. */
  readonly instanceId?: string;
  /** Told about connection errors and undecodable messages. */
  readonly onError?: (error: unknown) => void;
}

/** Broadcasts {@link ClusterEvent}s to, and receives them from, the other instances on the same prefix. */
export class ClusterBus {
  /** The pub/sub channel. */
  readonly channel: string;
  readonly instanceId: string;
  readonly #redis: Redis;
  readonly #onError: (error: unknown) => void;
  readonly #handlers = new Set<(event: ClusterEvent) => void>();
  #subscriber: Redis | undefined;
  #readies = 0;

  constructor(options: ClusterBusOptions) {
    this.#redis = options.redis;
    this.channel = `${options.prefix}:cluster`;
    this.instanceId = options.instanceId ?? randomUUID();
    this.#onError = options.onError ?? ((): void => undefined);
  }

  /**
   * Subscribes; resolves once the subscription is in place, or once connecting has failed (reported through
   * `onError`): the subscription then waits for the connection, which keeps retrying in the background.
   */
  async start(): Promise<void> {
    if (this.#subscriber !== undefined) return;
    const subscriber = createBlockingConnection(this.#redis);
    this.#subscriber = subscriber;
    subscriber.on('error', this.#onError);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.#receive(message);
    });
    subscriber.on('ready', () => {
      this.#readies += 1;
      if (this.#readies > 1) for (const type of CLUSTER_EVENT_TYPES) this.#deliver({ type, origin: 'resync' });
    });
    try {
      await subscriber.connect();
    } catch (error) {
      this.#onError(error);
      subscriber.subscribe(this.channel).catch(this.#onError);
      return;
    }
    await subscriber.subscribe(this.channel);
  }

  /** Tells the other instances; resolves with the number of subscribers that received it (this one included). */
  publish(type: ClusterEventType): Promise<number> {
    return this.#redis.publish(this.channel, encodeClusterEvent({ type, origin: this.instanceId }));
  }

  /** Calls `handler` for each event from another instance; returns a function that removes it. */
  on(handler: (event: ClusterEvent) => void): () => void {
    this.#handlers.add(handler);
    return () => {
      this.#handlers.delete(handler);
    };
  }

  /** Unsubscribes and closes the subscriber connection (not the client passed in). */
  async close(): Promise<void> {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber === undefined) return;
    subscriber.disconnect();
  }

  #receive(message: string): void {
    const event = decodeClusterEvent(message);
    if (event === undefined) {
      this.#onError(new Error(`Ignored an undecodable message on ${this.channel}: ${message.slice(0, 200)}`));
      return;
    }
    if (event.origin !== this.instanceId) this.#deliver(event);
  }

  #deliver(event: ClusterEvent): void {
    for (const handler of this.#handlers) {
      try {
        handler(event);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
