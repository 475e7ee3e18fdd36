/** @module The events instances broadcast to each other, and their wire form on the pub/sub channel. */

/**
 * `config-changed`: the catalog or configuration changed: reload it. (Key and account changes do not travel here:
 * the store announces them itself, naming what changed; see `store/key-change-feed.ts`.)
 */
export type ClusterEventType = 'config-changed';

/** Every event type, for validation. */
export const CLUSTER_EVENT_TYPES: readonly ClusterEventType[] = ['config-changed'];

/** An event as handlers receive it. */
export interface ClusterEvent {
  readonly type: ClusterEventType;
  /**
   * The instance that published it, or `resync` for the events a bus delivers to itself after its subscription
   * was interrupted (anything may have been missed meanwhile).
   */
  readonly origin: string;
}

/** The channel message for an event. */
export function encodeClusterEvent(event: ClusterEvent): string {
  return JSON.stringify({ type: event.type, origin: event.origin });
}

/** The event in a channel message; undefined if the message is not one (another version, or garbage). */
export function decodeClusterEvent(message: string): ClusterEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || !('type' in value) || !('origin' in value)) return undefined;
  const { type, origin } = value;
  if (typeof origin !== 'string') return undefined;
  const known = CLUSTER_EVENT_TYPES.find((candidate) => candidate === type);
  return known === undefined ? undefined : { type: known, origin };
}
