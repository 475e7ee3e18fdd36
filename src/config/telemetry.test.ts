import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './config-error.js';
import { DEFAULT_SERVICE_NAME, telemetryFromEnv } from './telemetry.js';

const FILE = { captureContent: false };

describe('telemetryFromEnv', () => {
  it('is off (no exporter) without an endpoint', () => {
    assert.deepEqual(telemetryFromEnv({}, FILE), { serviceName: DEFAULT_SERVICE_NAME, resourceAttributes: {}, captureContent: false });
  });

  it('appends v1/traces to the base endpoint, takes the traces endpoint as is, and defaults to http/protobuf', () => {
    assert.deepEqual(telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, FILE).otlp, {
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      headers: {},
    });
    assert.equal(
      telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/base/' }, FILE).otlp?.url,
      'https://otel.example/base/v1/traces',
    );
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom' };
    assert.equal(telemetryFromEnv(env, FILE).otlp?.url, 'http://b:4318/custom');
  });

  it('reads the protocol (the traces one first), headers (merged, percent-decoded) and the service name', () => {
    const config = telemetryFromEnv(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%3D%3D, x-team=core',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=traces',
        OTEL_SERVICE_NAME: 'gateway-eu',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,service.name=ignored',
      },
      FILE,
    );
    assert.equal(config.otlp?.protocol, 'http/json');
    assert.deepEqual(config.otlp?.headers, { 'api-key': 'abc==', 'x-team': 'traces' });
    assert.equal(config.serviceName, 'gateway-eu');
    assert.equal(config.resourceAttributes['deployment.environment.name'], 'prod');
    assert.equal(telemetryFromEnv({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource' }, FILE).serviceName, 'from-resource');
  });

  it('is off when the SDK is disabled or the traces exporter is none', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    assert.equal(telemetryFromEnv({ ...endpoint, OTEL_SDK_DISABLED: 'TRUE' }, FILE).otlp, undefined);
    assert.equal(telemetryFromEnv({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }, FILE).otlp, undefined);
    assert.notEqual(telemetryFromEnv({ ...endpoint, OTEL_SDK_DISABLED: 'no' }, FILE).otlp, undefined);
  });

  it('takes content capture from the file, overridden by the GenAI instrumentations variable', () => {
    assert.equal(telemetryFromEnv({}, { captureContent: true }).captureContent, true);
    assert.equal(telemetryFromEnv({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' }, FILE).captureContent, true);
    assert.equal(telemetryFromEnv({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false' }, { captureContent: true }).captureContent, false);
  });

  it('refuses what it cannot honour, naming the variable and never a header value', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    assert.throws(
      () => telemetryFromEnv({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, FILE),
      /OTEL_EXPORTER_OTLP_PROTOCOL.*grpc is not supported/,
    );
    assert.throws(() => telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, FILE), /OTEL_EXPORTER_OTLP_ENDPOINT must be an http/);
    assert.throws(() => telemetryFromEnv({ ...endpoint, OTEL_TRACES_EXPORTER: 'zipkin' }, FILE), /OTEL_TRACES_EXPORTER/);
    assert.throws(
      () => telemetryFromEnv({ ...endpoint, OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20ok,s3cr3t-token' }, FILE),
      (error: unknown) => error instanceof ConfigError && /entry 2/.test(error.message) && !error.message.includes('s3cr3t'),
    );
  });
});
