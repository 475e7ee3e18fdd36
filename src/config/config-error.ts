/** @module The error every configuration problem is reported with, before the server starts. */

/** A configuration problem, reported to the operator before the server starts. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
