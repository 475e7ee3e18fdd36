import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BlockList } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ImageByteBudget } from './image-bounds.js';
import { ImageFetcher, isBlockedAddress, nonPublicAddresses } from './image-fetch.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
/** What `/stream` sends if nobody stops it: far more than the loopback socket buffers hold. */
const STREAM_BYTES = 64 * 1024 * 1024;
let server: Server;
let base: string;
let port: number;
let hits = 0;
/** Bytes `/stream` handed to the socket before the client went away (or it finished). */
let streamed: Promise<number>;

/** Writes `total` bytes in 64 KiB chunks, waiting for the socket to drain, until done or the client hangs up. */
async function streamUntilClosed(res: ServerResponse, total: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  let closed = false;
  let wake = (): void => undefined;
  res.once('close', () => {
    closed = true;
    wake();
  });
  res.writeHead(200, { 'content-type': 'image/png' });
  while (!closed && written < total) {
    written += chunk.length;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        res.once('drain', resolve);
      });
    }
  }
  res.end();
  return written;
}

before(async () => {
  server = createServer((req, res) => {
    hits += 1;
    switch (req.url) {
      case '/img.png':
        res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
        return;
      case '/page':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
        return;
      case '/big.png':
        res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(5000));
        return;
      case '/stream':
        streamed = streamUntilClosed(res, STREAM_BYTES);
        return;
      case '/to-img':
        res.writeHead(302, { location: '/img.png' }).end();
        return;
      case '/to-private':
        res.writeHead(302, { location: `http://127.0.0.2:${port}/img.png` }).end();
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Loopback is how tests reach their own server; this list blocks only 127.0.0.2 so redirects can be refused. */
function testFetcher(maxBytes?: number): ImageFetcher {
  const list = new BlockList();
  list.addAddress('127.0.0.2');
  return new ImageFetcher({ blockList: list, ...(maxBytes === undefined ? {} : { maxBytes }) });
}

describe('ImageFetcher with the default block list', () => {
  const fetcher = new ImageFetcher();
  after(() => fetcher.close());

  for (const [name, url] of [
    ['a loopback IP', () => `${base}/img.png`],
    ['a name resolving to loopback', () => `http://localhost:${port}/img.png`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private range', () => 'http://10.1.2.3/x.png'],
    ['an IPv6 loopback', () => `http://[::1]:${port}/img.png`],
  ] as const) {
    it(`refuses ${name} with a 400`, async () => {
      await assert.rejects(fetcher.fetch(url(), 'messages[0].content[1].image_url.url'), (error: unknown) => {
        assert.equal((error as { status: number }).status, 400);
        assert.equal((error as { param: string }).param, 'messages[0].content[1].image_url.url');
        assert.match((error as Error).message, /private or reserved/);
        return true;
      });
    });
  }

  // IPv6 forms that carry an IPv4 address inside (here: loopback or a private range), and site-local.
  for (const host of [
    '::127.0.0.1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:0:7f00:1',
    '64:ff9b::7f00:1',
    '64:ff9b:1::a00:1',
    '2002:7f00:1::',
    '2001:0:4136:e378:8000:63bf:80ff:fffe',
    'fec0::1',
  ]) {
    it(`refuses [${host}] before any connection`, async () => {
      const before = hits;
      await assert.rejects(fetcher.fetch(`http://[${host}]:${port}/img.png`, 'p'), /private or reserved/);
      assert.equal(hits, before);
    });
  }

  it('refuses non-http schemes', async () => {
    await assert.rejects(fetcher.fetch('file:///etc/passwd', 'p'), /http or https/);
    await assert.rejects(fetcher.fetch('gopher://example.com/', 'p'), /http or https/);
  });
});

describe('isBlockedAddress (the check on URLs and on every address a name resolves to)', () => {
  const list = nonPublicAddresses();

  it('blocks IPv6 addresses whose embedded IPv4 is not public', () => {
    for (const address of ['::10.0.0.1', '::ffff:0:a9fe:a9fe', '2002:c0a8:101::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', 'fec0::1']) {
      assert.equal(isBlockedAddress(list, address, 6), true, address);
    }
  });

  it('lets public addresses through, IPv6 ones that embed a public IPv4 included', () => {
    // 2001:0:…:f7f7:f7f7 is a Teredo client at 8.8.8.8; 2002:808:808:: is 6to4 for 8.8.8.8.
    for (const address of ['2606:4700:4700::1111', '2002:808:808::1', '2001:0:4136:e378:8000:63bf:f7f7:f7f7', '::8.8.8.8']) {
      assert.equal(isBlockedAddress(list, address, 6), false, address);
    }
    assert.equal(isBlockedAddress(list, '8.8.8.8', 4), false);
  });

  it('leaves public IPv4 open: BlockList checks IPv4 against IPv6 rules as ::ffff:a.b.c.d, so none may cover that', () => {
    for (const address of ['8.8.8.8', '93.184.215.14', '1.1.1.1']) assert.equal(list.check(address, 'ipv4'), false, address);
  });
});

describe('ImageFetcher bounds', () => {
  it('defaults to the config defaults and takes the config’s requests section', async () => {
    const defaults = new ImageFetcher();
    const configured = new ImageFetcher({ imageUrlsPerRequest: 2, imageBytesPerRequest: 1000, imageFetchConcurrency: 1 });
    try {
      assert.deepEqual(defaults.bounds, { imageUrlsPerRequest: 16, imageBytesPerRequest: 20 * 1024 * 1024, imageFetchConcurrency: 4 });
      assert.deepEqual(configured.bounds, { imageUrlsPerRequest: 2, imageBytesPerRequest: 1000, imageFetchConcurrency: 1 });
    } finally {
      await Promise.all([defaults.close(), configured.close()]);
    }
  });

  it('charges the request budget as the body streams and stops reading once it is spent', async () => {
    const fetcher = new ImageFetcher({ blockList: new BlockList(), maxBytes: 2 * STREAM_BYTES });
    const budget = new ImageByteBudget(256 * 1024);
    try {
      await assert.rejects(fetcher.fetch(`${base}/stream`, 'p', budget), (error: unknown) => {
        assert.equal((error as { status: number }).status, 400);
        assert.equal((error as { param: string }).param, 'messages');
        assert.match((error as Error).message, /more than 262144 bytes/);
        return true;
      });
      assert.equal(budget.signal.aborted, true);
      assert.ok((await streamed) < STREAM_BYTES, 'the download went on after the budget was spent');
    } finally {
      await fetcher.close();
    }
  });

  it('a download whose budget another download spent stops with that refusal', async () => {
    const fetcher = new ImageFetcher({ blockList: new BlockList() });
    const budget = new ImageByteBudget(10);
    budget.abandon(new Error('another image was refused'));
    const before = hits;
    try {
      await assert.rejects(fetcher.fetch(`${base}/img.png`, 'p', budget), /Could not download the image/);
      assert.equal(hits, before);
    } finally {
      await fetcher.close();
    }
  });
});

describe('ImageFetcher policy checks', () => {
  const fetcher = testFetcher(1000);
  after(() => fetcher.close());

  it('downloads an image as base64 with its content type', async () => {
    assert.deepEqual(await fetcher.fetch(`${base}/img.png`, 'p'), { mimeType: 'image/png', base64: PNG.toString('base64') });
  });

  it('follows a redirect to an allowed address', async () => {
    assert.equal((await fetcher.fetch(`${base}/to-img`, 'p')).mimeType, 'image/png');
  });

  it('refuses a redirect to a blocked address', async () => {
    await assert.rejects(fetcher.fetch(`${base}/to-private`, 'p'), /private or reserved/);
  });

  it('refuses non-image content and bodies over the limit', async () => {
    await assert.rejects(fetcher.fetch(`${base}/page`, 'p'), /not an image/);
    await assert.rejects(fetcher.fetch(`${base}/big.png`, 'p'), /larger than 1000 bytes/);
    await assert.rejects(fetcher.fetch(`${base}/missing.png`, 'p'), /answered 404/);
  });
});
