import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BlockList, type AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import { ImageFetcher, type ImageFetchOptions } from './image-fetch.js';
import { hasRemoteImages, inlineRemoteImages } from './inline-images.js';

const IMAGE = Buffer.alloc(64 * 1024, 7);
let server: Server;
let base: string;
/** Requests the server received, by path. */
let received: string[] = [];
/**
 * `/held/…` requests are answered in rounds: held until `heldRound` of them are waiting, then all answered a moment
 * later (an unbounded client sends more meanwhile). `maxHeld` is the most that were ever waiting together, i.e.
 * downloads in flight at the same time.
 */
let held: ServerResponse[] = [];
let heldRound = 0;
let heldLeft = 0;
let maxHeld = 0;
let release: NodeJS.Timeout | undefined;

function answer(req: IncomingMessage, res: ServerResponse): void {
  received.push(req.url ?? '');
  if (req.url === '/missing.png') {
    res.writeHead(404).end();
  } else if (req.url?.startsWith('/held/') === true) {
    held.push(res);
    maxHeld = Math.max(maxHeld, held.length);
    if (held.length < Math.min(heldRound, heldLeft) || release !== undefined) return;
    release = setTimeout(() => {
      release = undefined;
      heldLeft -= held.length;
      for (const waiting of held.splice(0)) waiting.writeHead(200, { 'content-type': 'image/png' }).end(IMAGE);
    }, 50);
  } else {
    res.writeHead(200, { 'content-type': 'image/png' }).end(IMAGE);
  }
}

before(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
  held = [];
  maxHeld = 0;
});

/** A fetcher that may reach the loopback test server (the default block list refuses loopback). */
async function withFetcher(options: ImageFetchOptions, run: (fetcher: ImageFetcher) => Promise<void>): Promise<void> {
  const fetcher = new ImageFetcher({ blockList: new BlockList(), ...options });
  try {
    await run(fetcher);
  } finally {
    await fetcher.close();
  }
}

function askAbout(paths: readonly string[]): ChatCompletionRequest {
  return {
    model: 'gemini-2.5-flash',
    messages: [
      {
        role: 'user',
        content: [{ type: 'text', text: 'what?' }, ...paths.map((path) => ({ type: 'image_url' as const, image_url: { url: `${base}${path}` } }))],
      },
    ],
  };
}

function imageUrls(req: ChatCompletionRequest): string[] {
  return req.messages.flatMap((m) =>
    m.role === 'user' && Array.isArray(m.content) ? m.content.flatMap((p) => (p.type === 'image_url' ? [p.image_url.url] : [])) : [],
  );
}

describe('inlineRemoteImages', () => {
  it('replaces each remote URL in place with a data: URL and leaves the rest alone', async () => {
    const inline = 'data:image/gif;base64,R0lGOD==';
    const req: ChatCompletionRequest = {
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: `${base}/a.png`, detail: 'low' } },
            { type: 'image_url', image_url: { url: inline } },
          ],
        },
        { role: 'assistant', content: 'two images' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'and this?' },
            { type: 'image_url', image_url: { url: `${base}/b.png` } },
          ],
        },
      ],
    };
    await withFetcher({}, async (fetcher) => {
      const out = await inlineRemoteImages(req, fetcher);
      const data = `data:image/png;base64,${IMAGE.toString('base64')}`;
      assert.deepEqual(imageUrls(out), [data, inline, data]);
      assert.deepEqual(out.messages[1], {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: data, detail: 'low' } },
          { type: 'image_url', image_url: { url: inline } },
        ],
      });
      assert.deepEqual(out.messages.slice(2, 3), req.messages.slice(2, 3));
      assert.equal(hasRemoteImages(out), false);
      assert.equal(hasRemoteImages(req), true);
      assert.deepEqual(received.sort(), ['/a.png', '/b.png']);
    });
  });

  it('refuses more URLs than the bound before downloading any', async () => {
    await withFetcher({ imageUrlsPerRequest: 3 }, async (fetcher) => {
      await assert.rejects(inlineRemoteImages(askAbout(['/1.png', '/2.png', '/3.png', '/4.png']), fetcher), (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.status, 400);
        assert.equal(error.param, 'messages');
        assert.match(error.message, /at most 3 remote image URLs/);
        return true;
      });
      assert.deepEqual(received, []);
    });
  });

  it('never runs more downloads at once than the concurrency bound', async () => {
    const paths = Array.from({ length: 10 }, (_, i) => `/held/${i}.png`);
    heldRound = 4;
    heldLeft = paths.length;
    await withFetcher({ imageFetchConcurrency: 4 }, async (fetcher) => {
      const out = await inlineRemoteImages(askAbout(paths), fetcher);
      assert.equal(imageUrls(out).filter((url) => url.startsWith('data:image/png')).length, 10);
      assert.equal(received.length, 10);
      assert.equal(maxHeld, 4);
    });
  });

  it('stops downloading once the request’s byte budget is spent: a 400 naming messages', async () => {
    const paths = Array.from({ length: 16 }, (_, i) => `/img/${i}.png`);
    const budget = 200 * 1024;
    await withFetcher({ imageBytesPerRequest: budget, imageFetchConcurrency: 4 }, async (fetcher) => {
      await assert.rejects(inlineRemoteImages(askAbout(paths), fetcher), (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.status, 400);
        assert.equal(error.param, 'messages');
        assert.match(error.message, /more than 204800 bytes/);
        return true;
      });
      // At most 3 whole images fit; the 4 downloads in flight when the budget ran out are the most started besides.
      assert.ok(received.length <= Math.floor(budget / IMAGE.length) + 4, `${received.length} downloads started`);
    });
  });

  it('stops starting downloads after one is refused', async () => {
    await withFetcher({ imageFetchConcurrency: 1 }, async (fetcher) => {
      await assert.rejects(inlineRemoteImages(askAbout(['/missing.png', '/1.png', '/2.png']), fetcher), (error: unknown) => {
        assert.equal((error as GatewayError).param, 'messages[0].content[1].image_url.url');
        assert.match((error as Error).message, /answered 404/);
        return true;
      });
      assert.deepEqual(received, ['/missing.png']);
    });
  });
});
