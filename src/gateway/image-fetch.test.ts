import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BlockList } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ImageFetcher } from './image-fetch.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
let server: Server;
let base: string;
let port: number;

before(async () => {
  server = createServer((req, res) => {
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

  it('refuses non-http schemes', async () => {
    await assert.rejects(fetcher.fetch('file:///etc/passwd', 'p'), /http or https/);
    await assert.rejects(fetcher.fetch('gopher://example.com/', 'p'), /http or https/);
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
