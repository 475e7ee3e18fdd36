/**
 * Every error path of the core gateway answers OpenAI's error shape with the documented status and code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { createKeysService } from '../../src/auth/index.js';
import { validateOpenAI } from '../openai-schemas.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway((config) => {
    // A provider whose upstream is a closed port, and one with no key at all (not simulated below).
    config.providers.deepseek = { ...config.providers.deepseek!, apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:9/v1' };
  });
});
after(async () => {
  await gw.close();
});

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function post(body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: ErrorBody; headers: Headers }> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.apiKey}`, 'content-type': 'application/json', ...headers },
    body,
  });
  const parsed = (await response.json()) as ErrorBody;
  validateOpenAI('ErrorResponse', parsed);
  assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
  return { status: response.status, body: parsed, headers: response.headers };
}

const hello = [{ role: 'user', content: 'hi' }];

describe('400 invalid_request', () => {
  it('malformed JSON', async () => {
    const { status, body } = await post('{"model": "gpt-5",');
    assert.equal(status, 400);
    assert.equal(body.error.code, 'invalid_request');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /not valid JSON/);
  });

  it('a missing required field names it', async () => {
    const { status, body } = await post(JSON.stringify({ model: 'gpt-5' }));
    assert.equal(status, 400);
    assert.equal(body.error.param, 'messages');
    assert.match(body.error.message, /messages/);
  });

  it('a wrong type deep inside names the path and the reason', async () => {
    const { status, body } = await post(JSON.stringify({ model: 'gpt-5', messages: [{ role: 'wizard', content: 'x' }] }));
    assert.equal(status, 400);
    assert.equal(body.error.param, 'messages[0].role');
    assert.match(body.error.message, /must be one of/);
  });

  it('out-of-range temperature', async () => {
    const { status, body } = await post(JSON.stringify({ model: 'gpt-5', messages: hello, temperature: 3 }));
    assert.equal(status, 400);
    assert.equal(body.error.param, 'temperature');
  });

  it('string temperature is not coerced', async () => {
    const { status, body } = await post(JSON.stringify({ model: 'gpt-5', messages: hello, temperature: '0.5' }));
    assert.equal(status, 400);
    assert.equal(body.error.param, 'temperature');
  });

  it('more than four stop sequences', async () => {
    const { status, body } = await post(JSON.stringify({ model: 'gpt-5', messages: hello, stop: ['a', 'b', 'c', 'd', 'e'] }));
    assert.equal(status, 400);
    assert.equal(body.error.param, 'stop');
  });

  it('an unknown routing mode', async () => {
    const { status, body } = await post(JSON.stringify({ model: 'gpt-5', messages: hello, routing: 'fastest' }));
    assert.equal(status, 400);
    assert.equal(body.error.param, 'routing');
  });

  it('temperature and top_p together, neither at 1', async () => {
    const { status, body } = await post(JSON.stringify({ model: 'gpt-5', messages: hello, temperature: 0.5, top_p: 0.9 }));
    assert.equal(status, 400);
    assert.equal(body.error.param, 'top_p');
    const allowed = await gw
      .client()
      .chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }], temperature: 0.5, top_p: 1 });
    assert.equal(allowed.object, 'chat.completion');
  });

  it('an unknown model id, through the SDK', async () => {
    await assert.rejects(gw.client().chat.completions.create({ model: 'gpt-99', messages: [{ role: 'user', content: 'hi' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.equal(error.code, 'invalid_request');
      assert.equal(error.param, 'model');
      assert.match(error.message, /gpt-99/);
      return true;
    });
  });

  it('accepts and ignores unknown top-level fields', async () => {
    const completion = await gw.client().chat.completions.create({
      model: 'claude-haiku-4.5',
      messages: [{ role: 'user', content: 'hi' }],
      // @ts-expect-error an extension field the SDK does not know
      some_vendor_flag: true,
    });
    assert.equal(completion.object, 'chat.completion');
  });
});

describe('401 invalid_api_key', () => {
  it('missing key', async () => {
    const response = await fetch(`${gw.url}/v1/models`);
    assert.equal(response.status, 401);
    const body = (await response.json()) as ErrorBody;
    validateOpenAI('ErrorResponse', body);
    assert.equal(body.error.code, 'invalid_api_key');
  });

  it('malformed and unknown keys', async () => {
    for (const header of ['Token abc', `Bearer op_${'x'.repeat(40)}`, 'Bearer sk-not-ours']) {
      const { status, body } = await post(JSON.stringify({ model: 'gpt-5', messages: hello }), { authorization: header });
      assert.equal(status, 401, header);
      assert.equal(body.error.code, 'invalid_api_key');
      assert.ok(!body.error.message.includes('op_x'), 'the key is not echoed');
    }
  });

  it('a key revoked by another process is refused within a second', async () => {
    const created = await createKeysService({ db: gw.store.db, onChange: () => gw.keys.invalidate() }).createKey({
      email: 'test@example.com',
      name: 'doomed',
    });
    const ok = await gw.client(created.secret).models.list();
    assert.ok(ok.data.length > 0);
    const other = gw.openAnotherStore();
    try {
      await createKeysService({ db: other.db }).revokeKey(created.id);
    } finally {
      await other.close();
    }
    const deadline = Date.now() + 1000;
    let status = 200;
    while (Date.now() < deadline && status !== 401) {
      status = (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${created.secret}` } })).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 401);
  });
});

describe('upstream failures', () => {
  it('unreachable provider → 503 provider_unavailable', async () => {
    const { status, body } = await post(JSON.stringify({ model: 'deepseek-chat', messages: hello }));
    assert.equal(status, 503);
    assert.equal(body.error.code, 'provider_unavailable');
  });

  it('upstream 5xx → 503 provider_unavailable, on each wire format', async () => {
    for (const [model, upstream] of [
      ['gpt-4o-mini', 'gpt-4o-mini'],
      ['claude-haiku-4.5', 'claude-haiku-4-5'],
      ['gemini-2.5-flash', 'gemini-2.5-flash'],
    ] as const) {
      gw.simulator!.setKnobs(upstream, { errorRate: 1, errorStatus: 500 });
      try {
        const { status, body } = await post(JSON.stringify({ model, messages: hello }));
        assert.equal(status, 503, model);
        assert.equal(body.error.code, 'provider_unavailable');
      } finally {
        gw.simulator!.resetKnobs();
      }
    }
  });

  it('upstream 429 → 429 with Retry-After forwarded', async () => {
    gw.simulator!.setKnobs('claude-haiku-4-5', { errorRate: 1, errorStatus: 429 });
    try {
      const { status, body, headers } = await post(JSON.stringify({ model: 'claude-haiku-4.5', messages: hello }));
      assert.equal(status, 429);
      assert.equal(body.error.code, 'rate_limit_exceeded');
      assert.equal(headers.get('retry-after'), '1');
    } finally {
      gw.simulator!.resetKnobs();
    }
  });

  it('upstream 400 → 400 with the upstream message', async () => {
    gw.simulator!.setKnobs('gemini-2.5-flash', { errorRate: 1, errorStatus: 400 });
    try {
      const { status, body } = await post(JSON.stringify({ model: 'gemini-2.5-flash', messages: hello }));
      assert.equal(status, 400);
      assert.equal(body.error.code, 'invalid_request');
      assert.match(body.error.message, /Upstream provider error \(400\)/);
    } finally {
      gw.simulator!.resetKnobs();
    }
  });

  it('an error after the first byte ends the stream with an SSE error event that the SDK raises', async () => {
    gw.simulator!.setKnobs('claude-haiku-4-5', { midStreamError: true });
    try {
      const stream = await gw
        .client()
        .chat.completions.create({ model: 'claude-haiku-4.5', messages: [{ role: 'user', content: 'hi' }], stream: true });
      await assert.rejects(
        async () => {
          for await (const _chunk of stream) {
            // drain
          }
        },
        (error: unknown) => error instanceof OpenAI.APIError && /Overloaded|overloaded/.test(error.message),
      );
    } finally {
      gw.simulator!.resetKnobs();
    }
  });

  it('an error before the first chunk of a stream is a plain JSON error', async () => {
    gw.simulator!.setKnobs('gpt-4o-mini', { errorRate: 1, errorStatus: 503 });
    try {
      const { status, body } = await post(JSON.stringify({ model: 'gpt-4o-mini', messages: hello, stream: true }));
      assert.equal(status, 503);
      assert.equal(body.error.code, 'provider_unavailable');
    } finally {
      gw.simulator!.resetKnobs();
    }
  });
});

describe('other routes', () => {
  it('unknown route → 404 in OpenAI shape', async () => {
    const response = await fetch(`${gw.url}/v1/nothing`, { headers: { authorization: `Bearer ${gw.apiKey}` } });
    assert.equal(response.status, 404);
    validateOpenAI('ErrorResponse', await response.json());
  });

  it('/health answers ok without a key', async () => {
    const response = await fetch(`${gw.url}/health`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
    assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
  });
});
