/**
 * @module BYOK keys added or removed by another instance (or the CLI) reach this one the way API keys do: the store's
 * change signal (SQLite `data_version`, PostgreSQL NOTIFY; `Store.dataVersion`) is polled, and the credentials are
 * reloaded when it moved. Reading the signal costs nothing, so polling often is cheap.
 */

export interface CredentialsWatchOptions {
  /** The store's change counter: moves when any instance writes. */
  dataVersion: () => number;
  /** Reloads the credentials from the store. */
  reload: () => Promise<void>;
  intervalMs: number;
  /** Told about a reload that failed; the next change reloads again. */
  onError: (error: unknown) => void;
}

/** Starts polling (the timer does not keep the process alive); returns the function that stops it. */
export function watchCredentials(options: CredentialsWatchOptions): () => void {
  let seen = options.dataVersion();
  const timer = setInterval(() => {
    const version = options.dataVersion();
    if (version === seen) return;
    seen = version;
    options.reload().catch(options.onError);
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
