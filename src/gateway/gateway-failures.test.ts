/**
 * The gateway's own failures are not the provider's (issue 13, finding 2): a body that cannot be serialised, or a
 * bug thrown while calling the upstream, answers 500 and moves no deployment's health or circuit breaker.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import type { UpstreamRequest } from '../providers/types.js';
import { InMemoryCircuitBreakers } from '../routing/circuit-breaker.js';
import { deploymentKey } from '../routing/health.js';
import { Cancellation } from './cancellation.js';
import { Gateway } from './gateway.js';
import { ImageFetcher } from './image-fetch.js';
import { TEST_TIMEOUTS, unitRouter } from './testing.js';
import { UpstreamClient, type UpstreamResponse } from './upstream-client.js';

/** An upstream client with a bug: it throws a TypeError instead of calling anyone. */
class BrokenClient extends UpstreamClient {
  override async send(_baseUrl: string, _request: UpstreamRequest): Promise<UpstreamResponse> {
    throw new TypeError('Cannot read properties of undefined');
  }
}

function setup(client: UpstreamClient) {
  const breakers = new InMemoryCircuitBreakers({ now: () => 0 });
  // Port 9 on loopback: nothing is ever sent there, the failures happen before any connection.
  const router = unitRouter(() => 'http://127.0.0.1:9/v1', breakers);
  const reported: string[] = [];
  const gateway = new Gateway({
    client,
    now: () => 0,
    generateId: () => 'chatcmpl-unit',
    images: new ImageFetcher(),
    onOutcome: (candidate, outcome) => {
      reported.push(candidate.model.id);
      router.report(candidate, outcome);
    },
  });
  return { router, breakers, gateway, reported, close: () => client.close() };
}

describe('failures of the gateway itself', () => {
  it('a body that cannot be serialised: 500 internal_error, no failover, breakers untouched', async () => {
    const { router, breakers, gateway, reported, close } = setup(new UpstreamClient(TEST_TIMEOUTS));
    try {
      // A BigInt cannot be turned into JSON: JSON.stringify throws, as it does on a too-deep object.
      const req = { model: 'auto', messages: [{ role: 'user', content: 'hi' }], metadata: { n: 1n } } as unknown as ChatCompletionRequest;
      for (let i = 0; i < 10; i += 1) {
        const { candidates } = router.route(req);
        await assert.rejects(gateway.complete(req, candidates, new Cancellation()), (error: unknown) => {
          assert.ok(error instanceof GatewayError);
          assert.equal(error.status, 500);
          assert.equal(error.code, 'internal_error');
          return true;
        });
        for (const candidate of candidates) assert.equal(breakers.state(deploymentKey(candidate.deployment)), 'closed');
      }
      assert.deepEqual(reported, []);
    } finally {
      await close();
    }
  });

  it('a bug thrown while calling the upstream: 500, not reported, breakers untouched', async () => {
    const { router, breakers, gateway, reported, close } = setup(new BrokenClient(TEST_TIMEOUTS));
    try {
      const req: ChatCompletionRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
      for (let i = 0; i < 10; i += 1) {
        const { candidates } = router.route(req);
        await assert.rejects(gateway.stream(req, candidates, new Cancellation()), { status: 500, code: 'internal_error' });
        for (const candidate of candidates) assert.equal(breakers.state(deploymentKey(candidate.deployment)), 'closed');
      }
      assert.deepEqual(reported, []);
    } finally {
      await close();
    }
  });
});
