/**
 * @module Per-request loggers made on first use. Fastify gives every request a child of the app's logger bound to
 * its request id, and pino serialises those bindings when the child is made — on every request, although with
 * request logging off and the level at `warn` almost no request ever logs. {@link lazyChildLoggers} makes a stand-in
 * that creates the real child (same bindings, same options) the first time something logs through it or asks for its
 * level, so the lines that are written look exactly as before.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
/** A log call's arguments, passed on exactly as given (an object and/or a message, then format arguments). */
type LogArgs = [unknown, ...unknown[]];
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Installs the lazy factory on `app`: `request.log` is a {@link LazyChildLogger}. */
export function lazyChildLoggers(app: FastifyInstance): void {
  app.setChildLoggerFactory((parent, bindings, options) => new LazyChildLogger(parent, bindings, options));
}

/** A child logger that is made only when first used; see the module comment. */
export class LazyChildLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  get level(): string {
    return this.#real().level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  fatal(...args: LogArgs): void {
    this.#log('fatal', args);
  }

  error(...args: LogArgs): void {
    this.#log('error', args);
  }

  warn(...args: LogArgs): void {
    this.#log('warn', args);
  }

  info(...args: LogArgs): void {
    this.#log('info', args);
  }

  debug(...args: LogArgs): void {
    this.#log('debug', args);
  }

  trace(...args: LogArgs): void {
    this.#log('trace', args);
  }

  silent(...args: LogArgs): void {
    this.#log('silent', args);
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }

  #log(level: Level, args: LogArgs): void {
    const real = this.#real();
    (real[level] as (...args: unknown[]) => void).apply(real, args);
  }

  #real(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }
}
