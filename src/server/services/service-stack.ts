/**
 * @module The gateway's started services, stopped in reverse order of start: each stops before whatever it was
 * built on (the app before the ledger it writes to, the ledger before the store it writes into).
 */

/** Something started that holds resources (timers, sockets, connections) until it is closed. */
export interface Service {
  close(): void | PromiseLike<void>;
}

/** A stack of started services; a start that fails half-way closes what it had started. */
export class ServiceStack {
  private readonly started: Service[] = [];

  /** Registers a started service and returns it, so a step reads `const x = services.add(await startX(…))`. */
  add<T extends Service>(service: T): T {
    this.started.push(service);
    return service;
  }

  /** Closes every service, the last started first. */
  async close(): Promise<void> {
    for (const service of this.started.splice(0).reverse()) await service.close();
  }
}
