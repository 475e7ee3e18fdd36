/**
 * @module Loads the configuration: built-in `config/default.yaml`, then the user's YAML file, then environment
 * overrides. This is the only place that reads configuration files or configuration variables.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config-error.js';
import { toModelAliases } from './model-aliases.js';
import { toModelConfigs } from './models.js';
import { ConfigFileSchema, type ConfigFile } from './schema.js';
import { telemetryFromEnv } from './telemetry.js';
import type { GatewayConfig } from './types.js';

export { ConfigError } from './config-error.js';

export interface LoadConfigOptions {
  /** A YAML file merged over the defaults (`--config` or `OP_CONFIG`). */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_FILE = new URL('../../config/default.yaml', import.meta.url);

/** Reads, merges, overrides and validates the configuration. Throws ConfigError with the offending path. */
export function loadConfig(options: LoadConfigOptions = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const defaults = readYaml(DEFAULT_FILE);
  const file = options.file ?? env.OP_CONFIG;
  const own = file === undefined || file === '' ? {} : readYaml(resolve(file));
  const merged = mergeConfig(defaults, own);
  applyEnv(merged, env);
  const config = validate(merged);
  const masterKey = env.OP_MASTER_KEY;
  const models = toModelConfigs(config.models, config.providers);
  return {
    host: config.server.host,
    port: config.server.port,
    dataDir: resolve(config.server.dataDir),
    timeouts: config.timeouts,
    requests: config.requests,
    plans: config.plans,
    models,
    modelAliases: toModelAliases(config.modelAliases ?? {}, new Set(isPlainObject(own.modelAliases) ? Object.keys(own.modelAliases) : []), models),
    providers: Object.fromEntries(
      Object.entries(config.providers).map(([id, p]) => [
        id,
        { id, format: p.format, baseUrl: trimSlash(p.baseUrl), apiKey: p.apiKey, keyPattern: p.keyPattern },
      ]),
    ),
    ...(masterKey === undefined || masterKey === '' ? {} : { masterKey }),
    ...(env.OP_DATABASE_URL ? { databaseUrl: env.OP_DATABASE_URL } : {}),
    ...(env.OP_REDIS_URL ? { redisUrl: env.OP_REDIS_URL } : {}),
    redisPrefix: env.OP_REDIS_PREFIX || 'op',
    instances: parseInstances(env.OP_INSTANCES),
    ...(env.OP_LEASE_TTL_MS ? { leaseTtlMs: parsePositive('OP_LEASE_TTL_MS', env.OP_LEASE_TTL_MS) } : {}),
    trustProxy: config.server.trustProxy,
    connections: {
      headersTimeoutMs: config.server.headersTimeoutMs,
      requestTimeoutMs: config.server.requestTimeoutMs,
      keepAliveTimeoutMs: config.server.keepAliveTimeoutMs,
      socketIdleTimeoutMs: config.server.socketIdleTimeoutMs,
      maxRequestsPerSocket: config.server.maxRequestsPerSocket,
      maxConnections: config.server.maxConnections,
    },
    throttles: config.throttles,
    keys: config.keys,
    sessions: config.sessions,
    responses: config.responses,
    cache: config.cache,
    telemetry: telemetryFromEnv(env, config.telemetry),
  };
}

/** Proxy-addr's names for address ranges, which `trustProxy` accepts beside addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Whether `entry` is an IP address, a CIDR (`10.0.0.0/8`, `fd00::/8`) or a range name Fastify knows. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

function parsePositive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${name} must be a whole number of at least 1, got "${value}"`);
  return n;
}

function parseInstances(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`OP_INSTANCES must be a whole number of at least 1, got "${value}"`);
  return n;
}

function readYaml(path: URL | string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${String(path)}: ${(error as Error).message}`);
  }
  const parsed: unknown = parseYaml(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`Config file ${String(path)} must hold a YAML mapping`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * `providers`, `plans`, `server`, `timeouts`, `requests`, `throttles`, `keys`, `sessions`, `responses`, `cache`,
 * `telemetry` and `modelAliases` merge by key (one level deep); `models` replaces the catalog.
 */
function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    if (key !== 'models' && isPlainObject(current) && isPlainObject(value)) {
      const merged: Record<string, unknown> = { ...current };
      for (const [inner, innerValue] of Object.entries(value)) {
        const existing = merged[inner];
        merged[inner] = isPlainObject(existing) && isPlainObject(innerValue) ? { ...existing, ...innerValue } : innerValue;
      }
      out[key] = merged;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** `OP_<PROVIDER>_API_KEY`, `OP_<PROVIDER>_BASE_URL`, `OP_PORT`/`PORT`, `OP_HOST`, `OP_DATA_DIR` (and `OP_MASTER_KEY`, read above). */
function applyEnv(config: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const providers = config.providers;
  if (isPlainObject(providers)) {
    for (const [id, provider] of Object.entries(providers)) {
      if (!isPlainObject(provider)) continue;
      const prefix = `OP_${id.toUpperCase().replace(/-/g, '_')}_`;
      const apiKey = env[`${prefix}API_KEY`];
      const baseUrl = env[`${prefix}BASE_URL`];
      if (apiKey !== undefined && apiKey !== '') provider.apiKey = apiKey;
      if (baseUrl !== undefined && baseUrl !== '') provider.baseUrl = baseUrl;
    }
  }
  const server: Record<string, unknown> = isPlainObject(config.server) ? config.server : {};
  config.server = server;
  const port = env.OP_PORT ?? env.PORT;
  if (port !== undefined && port !== '') server.port = Number(port);
  if (env.OP_HOST) server.host = env.OP_HOST;
  if (env.OP_DATA_DIR) server.dataDir = env.OP_DATA_DIR;
  if (env.OP_TRUST_PROXY !== undefined)
    server.trustProxy = env.OP_TRUST_PROXY.split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
}

function validate(value: Record<string, unknown>): ConfigFile {
  const first = Value.Errors(ConfigFileSchema, value).First();
  if (first !== undefined) {
    throw new ConfigError(`Invalid config at ${first.path || '/'}: ${first.message}`);
  }
  const config = value as ConfigFile;
  checkServerAndSessions(config);
  if (config.cache.defaultTtlSeconds > config.cache.maxTtlSeconds) {
    throw new ConfigError('Invalid config at /cache/defaultTtlSeconds: must not exceed maxTtlSeconds');
  }
  for (const [id, provider] of Object.entries(config.providers)) {
    if (provider.keyPattern !== undefined && !isValidPattern(provider.keyPattern)) {
      throw new ConfigError(`Invalid config at /providers/${id}/keyPattern: not a valid regular expression`);
    }
  }
  return config;
}

/** Cross-field rules of `server` and `sessions` the schema cannot say. */
function checkServerAndSessions(config: ConfigFile): void {
  const { server, sessions } = config;
  const badProxy = server.trustProxy.find((entry) => !isProxyAddress(entry));
  if (badProxy !== undefined) {
    throw new ConfigError(`Invalid config at /server/trustProxy: "${badProxy}" is not an IP address, a CIDR or loopback/linklocal/uniquelocal`);
  }
  // Node refuses a headers timeout longer than the request timeout (the headers are part of the request).
  if (server.headersTimeoutMs > server.requestTimeoutMs) {
    throw new ConfigError('Invalid config at /server/headersTimeoutMs: must not exceed requestTimeoutMs');
  }
  if (sessions.touchIntervalMs >= sessions.idleTimeoutMs) {
    throw new ConfigError('Invalid config at /sessions/touchIntervalMs: must be shorter than idleTimeoutMs, or sessions in use would expire');
  }
}

function isValidPattern(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
