/**
 * @module The tracing configuration, from OpenTelemetry's standard environment variables (so an operator configures
 * the gateway as any instrumented service) and the YAML file's `telemetry` section. Tracing is on only when an OTLP
 * endpoint is given (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`) and not
 * turned off (`OTEL_SDK_DISABLED=true`, `OTEL_TRACES_EXPORTER=none`); otherwise the gateway loads no SDK at all.
 * Values are checked here, at start: a bad one is a {@link ConfigError} naming the variable (never echoing a header
 * value, which may be a credential).
 * @see https://opentelemetry.io/docs/specs/otel/protocol/exporter/
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
import { ConfigError } from './config-error.js';
import type { OtlpProtocol, TelemetryConfig } from './types.js';

/** The service name spans carry when `OTEL_SERVICE_NAME` (or `service.name` in the resource attributes) is unset. */
export const DEFAULT_SERVICE_NAME = 'originalpoint';

/** The YAML file's `telemetry` section (validated by the schema). */
export interface TelemetryFileSection {
  captureContent: boolean;
}

/** The tracing configuration; `otlp` is absent when tracing is off. */
export function telemetryFromEnv(env: NodeJS.ProcessEnv, file: TelemetryFileSection): TelemetryConfig {
  const resourceAttributes = parseKeyValues('OTEL_RESOURCE_ATTRIBUTES', env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName = nonEmpty(env.OTEL_SERVICE_NAME) ?? resourceAttributes['service.name'] ?? DEFAULT_SERVICE_NAME;
  const captureContent = parseBoolean('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', env) ?? file.captureContent;
  const base = { serviceName, resourceAttributes, captureContent };
  const url = tracesUrl(env);
  if (url === undefined || parseBoolean('OTEL_SDK_DISABLED', env) === true || !otlpExporterChosen(env)) return base;
  const headers = {
    ...parseKeyValues('OTEL_EXPORTER_OTLP_HEADERS', env.OTEL_EXPORTER_OTLP_HEADERS),
    ...parseKeyValues('OTEL_EXPORTER_OTLP_TRACES_HEADERS', env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
  };
  return { ...base, otlp: { url, protocol: protocolOf(env), headers } };
}

/** The signal-specific endpoint as given, else the base endpoint with `v1/traces` appended (the spec's rule). */
function tracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  const specific = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (specific !== undefined) return httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', specific);
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (base === undefined) return undefined;
  const checked = httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base);
  return `${checked.endsWith('/') ? checked : `${checked}/`}v1/traces`;
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an http:// or https:// URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http:// or https:// URL (OTLP over HTTP), got "${value}"`);
  }
  return value;
}

/** `OTEL_TRACES_EXPORTER`: `otlp` (the default) or `none`; other exporters are not built in. */
function otlpExporterChosen(env: NodeJS.ProcessEnv): boolean {
  const chosen = nonEmpty(env.OTEL_TRACES_EXPORTER)?.trim().toLowerCase() ?? 'otlp';
  if (chosen === 'otlp') return true;
  if (chosen === 'none') return false;
  throw new ConfigError(`OTEL_TRACES_EXPORTER must be "otlp" or "none", got "${chosen}"`);
}

/** `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else `http/protobuf` (the spec's default). */
function protocolOf(env: NodeJS.ProcessEnv): OtlpProtocol {
  const [name, value] =
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) !== undefined
      ? ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL]
      : ['OTEL_EXPORTER_OTLP_PROTOCOL', env.OTEL_EXPORTER_OTLP_PROTOCOL];
  const protocol = nonEmpty(value)?.trim() ?? 'http/protobuf';
  if (protocol === 'http/protobuf' || protocol === 'http/json') return protocol;
  throw new ConfigError(`${name} must be "http/protobuf" or "http/json" (OTLP over HTTP; grpc is not supported), got "${protocol}"`);
}

/**
 * `key=value` pairs separated by commas, values percent-decoded (the W3C Baggage form the spec uses for headers and
 * resource attributes). A malformed pair is refused by its position, without its text: a header may be a credential.
 */
function parseKeyValues(name: string, value: string | undefined): Record<string, string> {
  const pairs: Record<string, string> = {};
  if (value === undefined || value.trim() === '') return pairs;
  for (const [index, entry] of value.split(',').entries()) {
    if (entry.trim() === '') continue;
    const equals = entry.indexOf('=');
    const key = equals < 0 ? '' : entry.slice(0, equals).trim();
    const decoded = equals < 0 ? undefined : decode(entry.slice(equals + 1).trim());
    if (key === '' || decoded === undefined) {
      throw new ConfigError(`${name}: entry ${index + 1} is not a key=value pair (percent-encode commas and other reserved characters)`);
    }
    pairs[key] = decoded;
  }
  return pairs;
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * A boolean variable: unset or empty is undefined; `true` in any case is true; anything else is false (the spec's
 * rule: an unrecognised value is false).
 */
function parseBoolean(name: string, env: NodeJS.ProcessEnv): boolean | undefined {
  const value = nonEmpty(env[name]);
  return value === undefined ? undefined : value.trim().toLowerCase() === 'true';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
