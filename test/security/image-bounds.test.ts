/**
 * Remote images for Gemini are bounded per request (issue 13, finding 5) and the image fetcher's SSRF check sees the
 * IPv4 address inside IPv6 forms (issue 14, finding 5):
 * - end to end on a real gateway: a request with 100 image URLs is a 400 naming the limit, before any download
 *   (for any model: with `auto` the deployment is not known yet); each IPv4-embedding or site-local IPv6 form of a
 *   private address is a 400 and no connection is made;
 * - through the gateway's attempt loop with a fetcher allowed to reach a loopback image server (the real one blocks
 *   loopback): 100 URLs → zero requests at the server; a byte budget stops the downloads once spent; downloads run
 *   at most `imageFetchConcurrency` at a time.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BlockList, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { after, before, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import type { ChatCompletionRequest } from '../../src/core/chat-request.js';
import { GatewayError } from '../../src/core/gateway-error.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { ImageFetcher, type ImageFetchOptions } from '../../src/gateway/image-fetch.js';
import { UpstreamClient } from '../../src/gateway/upstream-client.js';
import { Catalog } from '../../src/routing/catalog.js';
import { InMemoryCircuitBreakers } from '../../src/routing/circuit-breaker.js';
import { InMemoryHealthStore } from '../../src/routing/health.js';
import { Router } from '../../src/routing/router.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { validateOpenAI } from '../openai-schemas.js';

const IMAGE = Buffer.alloc(64 * 1024, 7);

/** A loopback image server that counts what it is asked for and can hold answers to count concurrent downloads. */
class ImageServer {
  readonly server: Server = createServer((req, res) => this.answer(req, res));
  requests = 0;
  connections = 0;
  bytesSent = 0;
  /**
   * Answers to `/held/…` wait until `round` of them are waiting (or all that are left), then go out together a
   * moment later: a client that does not bound its downloads sends more in that moment, and `maxWaiting` shows it.
   */
  round = 0;
  left = 0;
  maxWaiting = 0;
  private waiting: ServerResponse[] = [];
  private release: NodeJS.Timeout | undefined;

  async start(): Promise<number> {
    this.server.on('connection', () => (this.connections += 1));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  reset(): void {
    this.requests = 0;
    this.connections = 0;
    this.bytesSent = 0;
    this.maxWaiting = 0;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    this.requests += 1;
    if (req.url?.startsWith('/held/') !== true) {
      this.send(res);
      return;
    }
    this.waiting.push(res);
    this.maxWaiting = Math.max(this.maxWaiting, this.waiting.length);
    if (this.waiting.length < Math.min(this.round, this.left) || this.release !== undefined) return;
    this.release = setTimeout(() => {
      this.release = undefined;
      this.left -= this.waiting.length;
      for (const waiting of this.waiting.splice(0)) this.send(waiting);
    }, 50);
  }

  private send(res: ServerResponse): void {
    this.bytesSent += IMAGE.length;
    res.writeHead(200, { 'content-type': 'image/png' }).end(IMAGE);
  }
}

const images = new ImageServer();
let imageBase: string;
let imagePort: number;
before(async () => {
  imagePort = await images.start();
  imageBase = `http://127.0.0.1:${imagePort}`;
});
after(() => images.server.close());
beforeEach(() => images.reset());

function withImages(model: string, urls: readonly string[]): ChatCompletionRequest {
  return {
    model,
    messages: [
      {
        role: 'user',
        content: [{ type: 'text', text: 'what are these?' }, ...urls.map((url) => ({ type: 'image_url' as const, image_url: { url } }))],
      },
    ],
  };
}

const imagePaths = (count: number, prefix = '/img'): string[] => Array.from({ length: count }, (_, i) => `${imageBase}${prefix}/${i}.png`);

describe('remote images end to end', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  async function post(body: ChatCompletionRequest): Promise<{ status: number; error: { message: string; type: string; param: string | null } }> {
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const parsed = (await response.json()) as { error: { message: string; type: string; param: string | null } };
    validateOpenAI('ErrorResponse', parsed);
    return { status: response.status, error: parsed.error };
  }

  it('a request with 100 image URLs is a 400 naming the limit, before any download, for any model', async () => {
    for (const model of ['gemini-2.5-flash', 'auto', 'gpt-4o']) {
      const answer = await post(withImages(model, imagePaths(100)));
      assert.equal(answer.status, 400, model);
      assert.equal(answer.error.type, 'invalid_request_error');
      assert.equal(answer.error.param, 'messages');
      assert.match(answer.error.message, /at most 16 remote image URLs/);
    }
    assert.equal(images.requests, 0);
  });

  it('16 image URLs pass the count (and meet the SSRF check: the test server is on loopback)', async () => {
    const answer = await post(withImages('gemini-2.5-flash', imagePaths(16)));
    assert.equal(answer.status, 400);
    assert.match(answer.error.param ?? '', /^messages\[0\]\.content\[\d+\]\.image_url\.url$/);
    assert.match(answer.error.message, /private or reserved/);
    assert.equal(images.requests, 0);
  });

  it('each IPv6 form of a private address is refused before any connection', async () => {
    const hosts = [
      '::127.0.0.1', // IPv4-compatible
      '::ffff:127.0.0.1', // IPv4-mapped
      '::ffff:7f00:1', // IPv4-mapped, hex
      '::ffff:0:7f00:1', // IPv4-translated
      '64:ff9b::7f00:1', // NAT64
      '64:ff9b:1::a00:1', // NAT64, local-use prefix
      '2002:7f00:1::', // 6to4
      '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo, client 127.0.0.1
      'fec0::1', // site-local
    ];
    for (const host of hosts) {
      const answer = await post(withImages('gemini-2.5-flash', [`http://[${host}]:${imagePort}/x.png`]));
      assert.equal(answer.status, 400, host);
      assert.equal(answer.error.param, 'messages[0].content[1].image_url.url', host);
      assert.match(answer.error.message, /private or reserved/, host);
    }
    assert.equal(images.requests, 0);
    assert.equal(images.connections, 0);
  });
});

describe('remote images through the attempt loop, with a fetcher that may reach the loopback test server', () => {
  let sim: Simulator;
  let client: UpstreamClient;
  let router: Router;
  before(async () => {
    sim = await startSimulator();
    const config = loadConfig({ env: {} });
    const providers = { ...config.providers, google: { ...config.providers.google!, baseUrl: `${sim.url}/google`, apiKey: 'simulated' } };
    const now = Date.now;
    router = new Router({
      catalog: new Catalog(config.models, providers),
      health: new InMemoryHealthStore({ now }),
      breakers: new InMemoryCircuitBreakers({ now }),
      now,
      random: () => 0.5,
    });
    client = new UpstreamClient(config.timeouts);
  });
  after(async () => {
    await client.close();
    await sim.close();
  });

  /** Asks gemini-2.5-flash about `urls` through a Gateway whose fetcher blocks nothing and has `bounds`. */
  async function ask(urls: readonly string[], bounds: ImageFetchOptions): Promise<string> {
    const fetcher = new ImageFetcher({ blockList: new BlockList(), ...bounds });
    const gateway = new Gateway({ client, now: Date.now, generateId: () => 'chatcmpl-images', images: fetcher });
    const request = withImages('gemini-2.5-flash', urls);
    try {
      const result = await gateway.complete(request, router.route(request).candidates, new AbortController().signal);
      return result.completion.choices[0]?.message.content ?? '';
    } finally {
      await fetcher.close();
    }
  }

  function isRefusal(pattern: RegExp) {
    return (error: unknown): boolean => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.status, 400);
      assert.equal(error.param, 'messages');
      assert.match(error.message, pattern);
      return true;
    };
  }

  it('one image is downloaded and shown to the model', async () => {
    assert.match(await ask(imagePaths(1), {}), /I see 1 image/);
    assert.equal(images.requests, 1);
  });

  it('100 image URLs: a 400 and the image server receives zero requests', async () => {
    await assert.rejects(ask(imagePaths(100), {}), isRefusal(/at most 16 remote image URLs/));
    assert.equal(images.requests, 0);
    assert.equal(images.connections, 0);
  });

  it('the byte budget stops the downloads once spent', async () => {
    const budget = 200 * 1024;
    await assert.rejects(ask(imagePaths(16), { imageBytesPerRequest: budget, imageFetchConcurrency: 4 }), isRefusal(/more than 204800 bytes/));
    // At most 3 whole images fit in the budget; the 4 in flight when it ran out are all that may start besides.
    const mostStarted = Math.floor(budget / IMAGE.length) + 4;
    assert.ok(images.requests <= mostStarted, `${images.requests} downloads started`);
    assert.ok(images.connections <= mostStarted, `${images.connections} connections opened`);
    assert.ok(images.bytesSent <= mostStarted * IMAGE.length);
  });

  it('no more than imageFetchConcurrency downloads run at once', async () => {
    images.round = 4;
    images.left = 12;
    assert.match(await ask(imagePaths(12, '/held'), { imageFetchConcurrency: 4 }), /I see 12 images/);
    assert.equal(images.requests, 12);
    assert.equal(images.maxWaiting, 4);
  });
});
