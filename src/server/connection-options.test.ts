import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fastifyConnectionOptions } from './connection-options.js';

const LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 72_000,
  socketIdleTimeoutMs: 600_000,
  maxRequestsPerSocket: 0,
  maxConnections: 10_000,
};

describe('fastifyConnectionOptions', () => {
  it('maps the limits onto Fastify and Node, checking deadlines every tenth of the shorter timeout', () => {
    assert.deepEqual(fastifyConnectionOptions(LIMITS, []), {
      trustProxy: false,
      connectionTimeout: 600_000,
      keepAliveTimeout: 72_000,
      requestTimeout: 30_000,
      maxRequestsPerSocket: 0,
      http: { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 },
    });
  });

  it('trusts exactly the proxies listed, and keeps the checking interval within 10 ms and 30 s', () => {
    assert.deepEqual(fastifyConnectionOptions(LIMITS, ['10.0.0.0/8', '::1']).trustProxy, ['10.0.0.0/8', '::1']);
    const short = fastifyConnectionOptions({ ...LIMITS, headersTimeoutMs: 50, requestTimeoutMs: 50 }, []);
    assert.equal(short.http.connectionsCheckingInterval, 10);
    const long = fastifyConnectionOptions({ ...LIMITS, headersTimeoutMs: 3_600_000, requestTimeoutMs: 3_600_000 }, []);
    assert.equal(long.http.connectionsCheckingInterval, 30_000);
  });
});
