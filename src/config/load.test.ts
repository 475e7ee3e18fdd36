import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'op-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('ships the 20-model catalog (16 chat, 4 embedding) with every deployment on a known provider and no keys', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.models.length, 20);
    assert.deepEqual(
      config.models.map((m) => m.id),
      [
        'gpt-5',
        'gpt-5-mini',
        'gpt-5-nano',
        'gpt-4.1',
        'gpt-4o-mini',
        'claude-opus-4.5',
        'claude-sonnet-4.5',
        'claude-sonnet-4',
        'claude-haiku-4.5',
        'gemini-3-pro',
        'gemini-2.5-flash',
        'gemini-2.5-flash-lite',
        'mistral-large',
        'deepseek-chat',
        'grok-4',
        'llama-4-maverick',
        'text-embedding-3-small',
        'text-embedding-3-large',
        'gemini-embedding-001',
        'mistral-embed',
      ],
    );
    assert.deepEqual(
      config.models.filter((m) => m.kind === 'embedding').map((m) => m.id),
      ['text-embedding-3-small', 'text-embedding-3-large', 'gemini-embedding-001', 'mistral-embed'],
    );
    assert.ok(config.models.slice(0, 16).every((m) => m.kind === 'chat'));
    assert.ok(Object.values(config.providers).every((p) => p.apiKey === undefined));
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
  });

  it('applies OP_<P>_API_KEY, OP_<P>_BASE_URL, OP_PORT and OP_DATA_DIR', () => {
    const config = loadConfig({
      env: { OP_ANTHROPIC_API_KEY: 'sk-ant-x', OP_OPENAI_BASE_URL: 'http://127.0.0.1:1/v1/', OP_PORT: '9000', OP_DATA_DIR: dir },
    });
    assert.equal(config.providers.anthropic?.apiKey, 'sk-ant-x');
    assert.equal(config.providers.openai?.baseUrl, 'http://127.0.0.1:1/v1');
    assert.equal(config.port, 9000);
    assert.equal(config.dataDir, dir);
  });

  it('falls back to PORT when OP_PORT is unset', () => {
    assert.equal(loadConfig({ env: { PORT: '7000' } }).port, 7000);
  });

  it('merges a user file: providers by id, models replace the catalog', () => {
    const path = file(
      'c.yaml',
      `providers:\n  openai: { apiKey: sk-1 }\nmodels:\n  - id: only\n    owned_by: me\n    created: 0\n    context_length: 10\n    max_output_tokens: 5\n    pricing: { input_per_million: 1, output_per_million: 1 }\n    capabilities: { vision: false, tools: false }\n    deployments: [{ provider: openai, model: x }]\n`,
    );
    const config = loadConfig({ file: path, env: {} });
    assert.equal(config.providers.openai?.apiKey, 'sk-1');
    assert.equal(config.providers.openai?.baseUrl, 'https://api.openai.com/v1');
    assert.deepEqual(
      config.models.map((m) => m.id),
      ['only'],
    );
  });

  it('rejects bad values with the path, unknown providers and the reserved id "auto"', () => {
    assert.throws(
      () => loadConfig({ env: { OP_PORT: 'eighty' } }),
      (e: unknown) => e instanceof ConfigError && /\/server\/port/.test(e.message),
    );
    const unknown = file(
      'u.yaml',
      'models:\n  - { id: a, owned_by: o, created: 0, context_length: 1, max_output_tokens: 1, pricing: { input_per_million: 0, output_per_million: 0 }, capabilities: { vision: false, tools: false }, deployments: [{ provider: nowhere, model: x }] }\n',
    );
    assert.throws(() => loadConfig({ file: unknown, env: {} }), /unknown provider nowhere/);
    const auto = file(
      'a.yaml',
      'models:\n  - { id: auto, owned_by: o, created: 0, context_length: 1, max_output_tokens: 1, pricing: { input_per_million: 0, output_per_million: 0 }, capabilities: { vision: false, tools: false }, deployments: [{ provider: openai, model: x }] }\n',
    );
    assert.throws(() => loadConfig({ file: auto, env: {} }), /reserved/);
    assert.throws(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} }), /Cannot read config file/);
  });

  it('has connection limits, throttles and session lifetimes with their defaults, and OP_TRUST_PROXY', () => {
    const config = loadConfig({ env: {} });
    assert.deepEqual(config.trustProxy, []);
    assert.deepEqual(config.connections, {
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
      socketIdleTimeoutMs: 600_000,
      maxRequestsPerSocket: 0,
      maxConnections: 10_000,
    });
    assert.deepEqual(config.throttles, {
      loginPerEmail: { limit: 5, windowMs: 900_000 },
      loginPerAddress: { limit: 20, windowMs: 900_000 },
      signupPerAddress: { limit: 5, windowMs: 3_600_000 },
      providerKeyTestsPerAccount: { limit: 10, windowMs: 3_600_000 },
      keysPerAccount: 100,
    });
    assert.deepEqual(config.sessions, { maxAgeMs: 30 * 86_400_000, idleTimeoutMs: 7 * 86_400_000, touchIntervalMs: 300_000 });
    assert.deepEqual(loadConfig({ env: { OP_TRUST_PROXY: ' 10.0.0.0/8, 127.0.0.1 ,::1' } }).trustProxy, ['10.0.0.0/8', '127.0.0.1', '::1']);
    const tuned = loadConfig({
      file: file('t.yaml', 'throttles:\n  loginPerEmail: { limit: 3 }\nserver:\n  trustProxy: [loopback, fd00::/8]\n'),
      env: {},
    });
    assert.deepEqual(tuned.throttles.loginPerEmail, { limit: 3, windowMs: 900_000 });
    assert.deepEqual(tuned.trustProxy, ['loopback', 'fd00::/8']);
  });

  it('rejects proxies that are not addresses or CIDRs, a headers timeout past the request timeout, and a touch interval past the idle timeout', () => {
    for (const bad of ['proxy.internal', '10.0.0.0/33', '::1/129', '1.2.3.4/8/9', '10.0.0.0/']) {
      assert.throws(() => loadConfig({ env: { OP_TRUST_PROXY: bad } }), /\/server\/trustProxy/, bad);
    }
    assert.throws(() => loadConfig({ file: file('h.yaml', 'server: { headersTimeoutMs: 40000 }\n'), env: {} }), /headersTimeoutMs/);
    assert.throws(() => loadConfig({ file: file('s.yaml', 'sessions: { touchIntervalMs: 604800000 }\n'), env: {} }), /touchIntervalMs/);
    assert.throws(() => loadConfig({ file: file('z.yaml', 'throttles: { keysPerAccount: 0 }\n'), env: {} }), /\/throttles\/keysPerAccount/);
  });

  it('fills an embedding model in: vectors, limits, input price, output free, no chat capabilities', () => {
    const small = loadConfig({ env: {} }).models.find((m) => m.id === 'text-embedding-3-small');
    assert.deepEqual(small, {
      id: 'text-embedding-3-small',
      kind: 'embedding',
      owned_by: 'openai',
      created: 1705948997,
      context_length: 8192,
      max_output_tokens: 0,
      pricing: { input_per_million: 0.02, output_per_million: 0 },
      capabilities: { vision: false, tools: false },
      deployments: [{ provider: 'openai', model: 'text-embedding-3-small' }],
      dimensions: 1536,
      dimension_range: { min: 1, max: 1536 },
      max_input_tokens: 8192,
      token_ids: 'cl100k_base',
      upstream_base64: true,
      upstream_user: true,
    });
    const mistral = loadConfig({ env: {} }).models.find((m) => m.id === 'mistral-embed');
    assert.ok(mistral?.kind === 'embedding');
    assert.equal(mistral.dimension_range, undefined, 'a fixed size: the dimensions parameter is refused');
    assert.deepEqual([mistral.upstream_base64, mistral.upstream_user], [false, false]);
  });

  it('keeps a chat entry without kind valid, and rejects fields of the other kind, missing fields and bad embedding entries', () => {
    const chat =
      '{ id: c, owned_by: o, created: 0, context_length: 10, max_output_tokens: 5, pricing: { input_per_million: 1, output_per_million: 1 }, capabilities: { vision: false, tools: false }, deployments: [{ provider: openai, model: x }] }';
    assert.equal(loadConfig({ file: file('chat.yaml', `models:\n  - ${chat}\n`), env: {} }).models[0]?.kind, 'chat');
    const embedding = (extra: string, provider = 'openai') =>
      `models:\n  - { id: e, kind: embedding, owned_by: o, created: 0, dimensions: 8, max_input_tokens: 100, pricing: { input_per_million: 1 }, deployments: [{ provider: ${provider}, model: x }]${extra} }\n`;
    const rejects = (name: string, text: string, pattern: RegExp) =>
      assert.throws(() => loadConfig({ file: file(name, text), env: {} }), pattern, name);
    rejects(
      'chat-dims.yaml',
      `models:\n  - ${chat.replace(' }, deployments', ' }, dimensions: 8, deployments')}\n`,
      /\/models\/0\/dimensions: only an embedding model/,
    );
    rejects(
      'chat-missing.yaml',
      `models:\n  - ${chat.replace('context_length: 10, ', '')}\n`,
      /\/models\/0\/context_length: required for a chat model/,
    );
    rejects('emb-context.yaml', embedding(', context_length: 10'), /\/models\/0\/context_length: only a chat model/);
    rejects('emb-missing.yaml', embedding('').replace('dimensions: 8, ', ''), /\/models\/0\/dimensions: required for an embedding model/);
    rejects(
      'emb-output.yaml',
      embedding('').replace('input_per_million: 1', 'input_per_million: 1, output_per_million: 2'),
      /output_per_million: an embedding model writes no tokens/,
    );
    rejects('emb-range.yaml', embedding(', dimension_range: { min: 16, max: 32 }'), /dimension_range: must hold the default dimensions 8/);
    rejects('emb-anthropic.yaml', embedding('', 'anthropic'), /provider anthropic speaks anthropic, which has no embeddings API/);
    const ok = loadConfig({ file: file('emb.yaml', embedding(', dimension_range: { min: 4, max: 8 }', 'google')), env: {} }).models[0];
    assert.ok(ok?.kind === 'embedding');
    assert.deepEqual(
      [ok.dimensions, ok.dimension_range, ok.max_input_tokens, ok.context_length, ok.max_output_tokens],
      [8, { min: 4, max: 8 }, 100, 100, 0],
    );
  });

  it('has the embedding request caps with their defaults', () => {
    const { requests } = loadConfig({ env: {} });
    assert.equal(requests.embeddingMaxTokens, 300_000);
    assert.equal(requests.embeddingMaxValues, 2048 * 3072);
    assert.throws(() => loadConfig({ file: file('caps.yaml', 'requests: { embeddingMaxValues: 0 }\n'), env: {} }), /\/requests\/embeddingMaxValues/);
  });

  it('keeps stored responses 30 days and 64 MiB per account by default, tunable by key and bounded', () => {
    assert.deepEqual(loadConfig({ env: {} }).responses, { retentionDays: 30, maxStoredBytesPerAccount: 64 * 1024 * 1024 });
    const tuned = loadConfig({ file: file('r.yaml', 'responses: { retentionDays: 7 }\n'), env: {} });
    assert.deepEqual(tuned.responses, { retentionDays: 7, maxStoredBytesPerAccount: 64 * 1024 * 1024 });
    assert.throws(() => loadConfig({ file: file('r0.yaml', 'responses: { retentionDays: 0 }\n'), env: {} }), /\/responses\/retentionDays/);
    assert.throws(
      () => loadConfig({ file: file('rb.yaml', 'responses: { maxStoredBytesPerAccount: 1000 }\n'), env: {} }),
      /\/responses\/maxStoredBytesPerAccount/,
    );
  });

  it('bounds the response cache: 64 MiB in memory, 1 MiB an entry, 5 minutes by default, a day at most; tunable and checked', () => {
    assert.deepEqual(loadConfig({ env: {} }).cache, {
      maxBytes: 64 * 1024 * 1024,
      maxEntryBytes: 1024 * 1024,
      defaultTtlSeconds: 300,
      maxTtlSeconds: 86_400,
    });
    assert.equal(loadConfig({ file: file('c.yaml', 'cache: { maxTtlSeconds: 600 }\n'), env: {} }).cache.maxTtlSeconds, 600);
    assert.throws(() => loadConfig({ file: file('c0.yaml', 'cache: { maxTtlSeconds: 0 }\n'), env: {} }), /\/cache\/maxTtlSeconds/);
    assert.throws(
      () => loadConfig({ file: file('cd.yaml', 'cache: { defaultTtlSeconds: 900, maxTtlSeconds: 600 }\n'), env: {} }),
      /\/cache\/defaultTtlSeconds/,
    );
  });
});
