/**
 * @module One request's ledger row, found as soon as its answer is complete (`GET /v1/requests/{id}`). A row passes
 * through three places: the request's lifecycle while it finishes (settling its reservations, which on a shared
 * limiter is a network round trip after the client already has its last byte), the batched writer's pending rows
 * (written within its flush interval), and the store. A lookup waits for a finishing request of this instance, then
 * looks in the pending rows, then asks the store: in that order, a row moving from one to the next is never missed.
 * On another instance than the one that served the request, the row is found once that instance has written it.
 */
import type { UsageRecord } from '../store/index.js';

/** What a {@link RequestRecords} reads. */
export interface RequestRecordsDeps {
  /** The row of a request recorded but not yet written, if any (`UsageLedger.findPending`). */
  findPending(requestId: string): UsageRecord | undefined;
  /** The stored row of a request of the account, if any. */
  readStored(accountId: string, requestId: string): Promise<UsageRecord | undefined>;
}

/** Requests finishing on this instance, and the lookup of one request's row. */
export class RequestRecords {
  readonly #deps: RequestRecordsDeps;
  readonly #finishing = new Map<string, Promise<void>>();

  constructor(deps: RequestRecordsDeps) {
    this.#deps = deps;
  }

  /** Requests finishing now (for tests). */
  get finishingCount(): number {
    return this.#finishing.size;
  }

  /**
   * Marks a request as finishing until `done` settles (its ledger row is recorded by then), so a lookup arriving
   * meanwhile waits for it instead of missing it.
   */
  track(requestId: string, done: Promise<void>): void {
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    this.#finishing.set(requestId, settled);
    void settled.then(() => {
      if (this.#finishing.get(requestId) === settled) this.#finishing.delete(requestId);
    });
  }

  /** The ledger row of the account's request `requestId`; undefined when the account has none with that id. */
  async find(accountId: string, requestId: string): Promise<UsageRecord | undefined> {
    await this.#finishing.get(requestId);
    const pending = this.#deps.findPending(requestId);
    if (pending !== undefined) return pending.accountId === accountId ? pending : undefined;
    return this.#deps.readStored(accountId, requestId);
  }
}
