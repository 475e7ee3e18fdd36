import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it, mock } from 'node:test';
import { startSimulator, type Simulator } from './index.js';
import { obj, post, PROVIDER_HEADERS } from './test-helpers.js';

let sim: Simulator;

before(async () => {
  sim = await startSimulator();
});
after(() => sim.close());
beforeEach(() => sim.resetKnobs());

function chat(model: string, extra: Record<string, unknown> = {}, signal?: AbortSignal): Promise<Response> {
  return post(
    `${sim.url}/openai/v1/chat/completions`,
    PROVIDER_HEADERS.openai,
    { model, messages: [{ role: 'user', content: 'hello' }], ...extra },
    signal,
  );
}

function claude(model: string): Promise<Response> {
  return post(`${sim.url}/anthropic/v1/messages`, PROVIDER_HEADERS.anthropic, {
    model,
    max_tokens: 100,
    messages: [{ role: 'user', content: 'hello' }],
  });
}

async function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe('routing', () => {
  it('answers unknown paths and methods with a JSON 404', async () => {
    for (const [method, path] of [
      ['POST', '/nope'],
      ['GET', '/openai/v1/chat/completions'],
      ['POST', '/cohere/v1/chat/completions'],
      ['POST', '/google/v1beta/models/g:countTokens'],
    ] as const) {
      const response = await fetch(`${sim.url}${path}`, { method });
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.match(String(obj(obj(await response.json()).error).message), /Unknown route/);
    }
  });

  it('gives the same reply to the same request', async () => {
    const first = obj(await (await chat('m')).json());
    const second = obj(await (await chat('m')).json());
    assert.deepEqual(first.choices, second.choices);
    assert.deepEqual(first.usage, second.usage);
    assert.notEqual(first.id, second.id);
  });
});

describe('knobs', () => {
  it('apply per model, across wire formats, and reset', async () => {
    sim.setKnobs('flaky', { errorRate: 1, errorStatus: 503 });
    assert.equal((await chat('flaky')).status, 503);
    assert.equal((await claude('flaky')).status, 503);
    assert.equal((await chat('steady')).status, 200);
    sim.resetKnobs();
    assert.equal((await chat('flaky')).status, 200);
  });

  it('let a model override "*"', async () => {
    sim.setKnobs('*', { errorRate: 1 });
    sim.setKnobs('exempt', { errorRate: 0 });
    assert.equal((await chat('any')).status, 500);
    assert.equal((await chat('exempt')).status, 200);
  });

  it('set outputTokens for the reply length', async () => {
    sim.setKnobs('short', { outputTokens: 2 });
    const body = obj(await (await chat('short')).json());
    assert.equal(obj(body.usage).completion_tokens, 2);
  });

  it('are exposed over HTTP', async () => {
    const set = await control('POST', '/_sim/knobs', { model: 'remote', errorRate: 1, errorStatus: 429 });
    assert.equal(set.status, 200);
    assert.equal(obj(obj(set.json).knobs).errorStatus, 429);
    assert.equal((await chat('remote')).status, 429);
    assert.equal((await chat('other')).status, 200);

    const all = await control('POST', '/_sim/knobs', { outputTokens: 3 });
    assert.equal(obj(set.json).model, 'remote');
    assert.equal(obj(all.json).model, '*');
    const snapshot = obj((await control('GET', '/_sim/knobs')).json);
    assert.deepEqual(Object.keys(obj(snapshot.models)).sort(), ['*', 'remote']);

    assert.equal((await control('POST', '/_sim/knobs', { errorRate: 3 })).status, 400);
    assert.equal((await control('POST', '/_sim/knobs', { latency: 3 })).status, 400);
    assert.equal((await control('POST', '/_sim/knobs', { model: 7 })).status, 400);

    assert.deepEqual((await control('POST', '/_sim/reset')).json, { ok: true });
    assert.equal((await chat('remote')).status, 200);
    assert.equal((await control('GET', '/_sim/nothing')).status, 404);
  });

  it('use the injected random source for errorRate', async () => {
    const seeded = await startSimulator({ random: () => 0.3, defaults: { errorRate: 0.5, errorStatus: 502 } });
    try {
      const url = `${seeded.url}/groq/v1/chat/completions`;
      const body = { model: 'm', messages: [{ role: 'user', content: 'x' }] };
      assert.equal((await post(url, PROVIDER_HEADERS.openai, body)).status, 502);
      seeded.setKnobs('m', { errorRate: 0.2 });
      assert.equal((await post(url, PROVIDER_HEADERS.openai, body)).status, 200);
    } finally {
      await seeded.close();
    }
  });
});

describe('latency knobs, on a mocked clock', () => {
  // Its own simulator, pacing streams on Date.now: with setTimeout and Date mocked, time moves only when a test ticks.
  // The mock stays on for the whole suite (undici's own timers do not survive a reset and re-enable in between).
  let timed: Simulator;
  before(async () => {
    timed = await startSimulator({ now: () => Date.now() });
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  });
  after(async () => {
    mock.timers.reset();
    await timed.close();
  });
  afterEach(() => timed.resetKnobs());

  function timedChat(model: string, extra: Record<string, unknown> = {}): Promise<Response> {
    const body = { model, messages: [{ role: 'user', content: 'hello' }], ...extra };
    return post(`${timed.url}/openai/v1/chat/completions`, PROVIDER_HEADERS.openai, body);
  }

  /**
   * Resolves once a call for `model` (a model of its own per test) has reached the simulator, and so has set its
   * latency timer, polling on event-loop turns (setImmediate is not mocked).
   */
  async function arrived(model: string): Promise<void> {
    while (timed.stats().byModel[model] !== 1) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Whether `promise` has settled, after a full round trip to the simulator (a call it answers at once). */
  async function settledAfterRoundTrip(promise: Promise<unknown>): Promise<boolean> {
    let settled = false;
    void promise.then(() => {
      settled = true;
    });
    assert.equal((await timedChat('prompt')).status, 200);
    return settled;
  }

  it('count the calls being answered and the most at once', async () => {
    // A simulator of its own, so that the peak is this test's alone.
    const fresh = await startSimulator({ now: () => Date.now() });
    try {
      fresh.setKnobs('slow', { latencyMs: 1_000 });
      const url = `${fresh.url}/openai/v1/chat/completions`;
      const calls = Array.from({ length: 3 }, () =>
        post(url, PROVIDER_HEADERS.openai, { model: 'slow', messages: [{ role: 'user', content: 'x' }] }),
      );
      // Each call is held by its latency knob until the clock moves: wait for all three to be inside.
      while (fresh.stats().inFlight < 3) await new Promise((resolve) => setImmediate(resolve));
      assert.equal(fresh.stats().inFlight, 3);
      mock.timers.tick(1_000);
      await Promise.all(calls);
      assert.equal(fresh.stats().inFlight, 0);
      assert.equal(fresh.stats().peakInFlight, 3);
    } finally {
      await fresh.close();
    }
  });

  it('delay a stream by latencyMs + ttftMs + pace', async () => {
    timed.setKnobs('slow-stream', { latencyMs: 30, ttftMs: 30, tokensPerSecond: 500, outputTokens: 11 });
    const pending = timedChat('slow-stream', { stream: true });
    await arrived('slow-stream');
    mock.timers.tick(29);
    assert.equal(await settledAfterRoundTrip(pending), false, 'no headers before latencyMs');
    mock.timers.tick(1);
    const response = await pending;
    assert.equal(response.status, 200);
    const text = response.text();
    // The first token is due ttftMs after the headers, the 11th ten intervals of 2 ms (500 tokens/s) later.
    mock.timers.tick(30 + 10 * 2 - 1);
    assert.equal(await settledAfterRoundTrip(text), false, 'the stream is still going before its last token is due');
    mock.timers.tick(1);
    assert.match(await text, /\[DONE\]/);
  });

  it('delay the answer by latencyMs', async () => {
    timed.setKnobs('slow', { latencyMs: 60 });
    const pending = timedChat('slow');
    await arrived('slow');
    mock.timers.tick(59);
    assert.equal(await settledAfterRoundTrip(pending), false, 'no answer before latencyMs');
    mock.timers.tick(1);
    assert.equal((await pending).status, 200);
  });
});

describe('stats', () => {
  it('counts requests and requests per model', async () => {
    const fresh = await startSimulator();
    try {
      const url = `${fresh.url}/openai/v1/chat/completions`;
      await post(url, PROVIDER_HEADERS.openai, { model: 'a', messages: [{ role: 'user', content: 'x' }] });
      await post(url, PROVIDER_HEADERS.openai, { model: 'a', messages: [{ role: 'user', content: 'x' }] });
      await post(`${fresh.url}/google/v1beta/models/b:generateContent`, PROVIDER_HEADERS.gemini, {
        contents: [{ parts: [{ text: 'x' }] }],
      });
      await post(url, {}, { model: 'c', messages: [] });
      const expected = { requests: 4, byModel: { a: 2, b: 1 }, keyTails: { a: ['test'], b: ['test'] }, inFlight: 0, peakInFlight: 1 };
      assert.deepEqual(fresh.stats(), expected);
      const remote = await fetch(`${fresh.url}/_sim/stats`);
      assert.deepEqual(await remote.json(), expected);
    } finally {
      await fresh.close();
    }
  });
});

describe('disconnects', () => {
  it('survive a client that leaves mid-stream', async () => {
    sim.setKnobs('endless', { tokensPerSecond: 50, outputTokens: 10_000 });
    const controller = new AbortController();
    const response = await chat('endless', { stream: true }, controller.signal);
    const reader = response.body?.getReader();
    assert.ok(reader);
    const first = await reader.read();
    assert.equal(first.done, false);
    controller.abort();
    await assert.rejects(reader.read());
    assert.equal((await chat('m')).status, 200);
  });

  it('survive a client that leaves during the latency wait', async () => {
    sim.setKnobs('lagging', { latencyMs: 5_000 });
    const controller = new AbortController();
    const pending = chat('lagging', {}, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(pending);
    assert.equal((await chat('m')).status, 200);
  });

  it('close() ends in-flight streams promptly', async () => {
    const other = await startSimulator({ defaults: { tokensPerSecond: 10, outputTokens: 1_000 } });
    const response = await post(`${other.url}/openai/v1/chat/completions`, PROVIDER_HEADERS.openai, {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    assert.equal(response.status, 200);
    await other.close();
    await assert.rejects(response.text());
  });
});
