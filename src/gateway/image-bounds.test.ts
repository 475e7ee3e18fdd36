import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import { assertImageUrlBound, ImageByteBudget, remoteImages } from './image-bounds.js';

function withImages(urls: readonly string[]): ChatCompletionRequest {
  return {
    model: 'gemini-2.5-flash',
    messages: [
      { role: 'system', content: 'be brief' },
      {
        role: 'user',
        content: [{ type: 'text', text: 'what are these?' }, ...urls.map((url) => ({ type: 'image_url' as const, image_url: { url } }))],
      },
    ],
  };
}

function isLimitError(limit: number) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.status, 400);
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.param, 'messages');
    assert.match(error.message, new RegExp(`at most ${limit} remote image URLs`));
    return true;
  };
}

describe('remoteImages', () => {
  it('lists http(s) image parts of user messages with the parameter naming each, skipping data: URLs', () => {
    const req = withImages(['https://a.example/1.png', 'data:image/png;base64,AAAA', 'http://b.example/2.png']);
    assert.deepEqual(
      [...remoteImages(req)].map((image) => [image.param, image.part.image_url.url]),
      [
        ['messages[1].content[1].image_url.url', 'https://a.example/1.png'],
        ['messages[1].content[3].image_url.url', 'http://b.example/2.png'],
      ],
    );
  });
});

describe('assertImageUrlBound', () => {
  const urls = (count: number): string[] => Array.from({ length: count }, (_, i) => `https://img.example/${i}.png`);

  it('accepts up to the limit, counting every user message', () => {
    assertImageUrlBound(withImages(urls(16)), { imageUrlsPerRequest: 16 });
    const twoTurns = withImages(urls(8));
    twoTurns.messages.push({ role: 'assistant', content: 'ok' }, ...withImages(urls(8)).messages.slice(1));
    assertImageUrlBound(twoTurns, { imageUrlsPerRequest: 16 });
    assert.throws(() => assertImageUrlBound(twoTurns, { imageUrlsPerRequest: 15 }), isLimitError(15));
  });

  it('refuses one URL over the limit with a 400 naming messages and the limit', () => {
    assert.throws(() => assertImageUrlBound(withImages(urls(17)), { imageUrlsPerRequest: 16 }), isLimitError(16));
    assert.throws(() => assertImageUrlBound(withImages(urls(1)), { imageUrlsPerRequest: 0 }), isLimitError(0));
  });

  it('does not count data: URLs, which the body size limit already bounds', () => {
    const inline = Array.from({ length: 100 }, () => 'data:image/png;base64,AAAA');
    assertImageUrlBound(withImages(inline), { imageUrlsPerRequest: 16 });
  });
});

describe('ImageByteBudget', () => {
  it('accepts charges up to the limit, then aborts its signal and throws a 400 naming messages', () => {
    const budget = new ImageByteBudget(100);
    budget.charge(60);
    budget.charge(40);
    assert.equal(budget.signal.aborted, false);
    assert.throws(
      () => budget.charge(1),
      (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.status, 400);
        assert.equal(error.param, 'messages');
        assert.match(error.message, /more than 100 bytes/);
        assert.equal(budget.signal.reason, error);
        return true;
      },
    );
    assert.equal(budget.signal.aborted, true);
  });

  it('abandon aborts the signal once, keeping the first reason', () => {
    const budget = new ImageByteBudget(100);
    const first = new Error('first');
    budget.abandon(first);
    budget.abandon(new Error('second'));
    assert.equal(budget.signal.reason, first);
  });
});
