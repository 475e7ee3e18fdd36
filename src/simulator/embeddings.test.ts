import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { post, PROVIDER_HEADERS } from './test-helpers.js';
import { useSimulator } from './test-fixture.js';

const simulator = useSimulator('', {});

interface OpenAIEmbeddings {
  object: string;
  model: string;
  data: { object: string; index: number; embedding: number[] | string }[];
  usage: { prompt_tokens: number; total_tokens: number };
}

async function openai(body: Record<string, unknown>, provider = 'openai', headers: Record<string, string> = PROVIDER_HEADERS.openai) {
  const response = await post(`${simulator.sim.url}/${provider}/v1/embeddings`, headers, body);
  return { status: response.status, json: (await response.json()) as OpenAIEmbeddings & { error?: { message: string; param: string | null } } };
}

async function gemini(model: string, requests: unknown[], headers: Record<string, string> = PROVIDER_HEADERS.gemini) {
  const response = await post(`${simulator.sim.url}/google/v1beta/models/${model}:batchEmbedContents`, headers, { requests });
  return {
    status: response.status,
    json: (await response.json()) as { embeddings: { values: number[] }[]; error?: { message: string; status: string } },
  };
}

const norm = (values: ArrayLike<number>): number => Math.hypot(...Array.from(values));
const decode = (base64: string): number[] => {
  const bytes = Buffer.from(base64, 'base64');
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
};
const text = (t: string) => ({ model: 'models/gemini-embedding-001', content: { parts: [{ text: t }] } });

describe('OpenAI-format embeddings', () => {
  it('answers one unit-length vector per input, in order, the same for the same text, with usage', async () => {
    const first = await openai({ model: 'text-embedding-3-small', input: ['hello world', 'another text', 'hello world'] });
    assert.equal(first.status, 200);
    assert.deepEqual([first.json.object, first.json.model], ['list', 'text-embedding-3-small']);
    assert.deepEqual(
      first.json.data.map((d) => [d.object, d.index]),
      [
        ['embedding', 0],
        ['embedding', 1],
        ['embedding', 2],
      ],
    );
    const [a, b, again] = first.json.data.map((d) => d.embedding as number[]);
    assert.equal(a?.length, 1536);
    assert.ok(Math.abs(norm(a ?? []) - 1) < 1e-5);
    assert.deepEqual(again, a);
    assert.notDeepEqual(b, a);
    assert.deepEqual(first.json.usage, { prompt_tokens: 3 + 3 + 3, total_tokens: 9 });
    const second = await openai({ model: 'text-embedding-3-small', input: 'hello world' });
    assert.deepEqual(second.json.data[0]?.embedding, a, 'deterministic across requests');
  });

  it('honours base64 (little-endian float32) and dimensions (the full vector cut and scaled again)', async () => {
    const floats = await openai({ model: 'text-embedding-3-large', input: 'cut me' });
    const full = floats.json.data[0]?.embedding as number[];
    assert.equal(full.length, 3072);
    const cut = await openai({ model: 'text-embedding-3-large', input: 'cut me', dimensions: 256, encoding_format: 'base64' });
    const vector = decode(cut.json.data[0]?.embedding as string);
    assert.equal(vector.length, 256);
    assert.ok(Math.abs(norm(vector) - 1) < 1e-5);
    const prefixNorm = norm(full.slice(0, 256));
    for (const [i, v] of vector.entries()) assert.ok(Math.abs(v - (full[i] ?? 0) / prefixNorm) < 1e-6);
  });

  it('takes token ids and arrays of them', async () => {
    const one = await openai({ model: 'text-embedding-3-small', input: [1212, 318, 257] });
    assert.deepEqual([one.status, one.json.data.length, one.json.usage.prompt_tokens], [200, 1, 3]);
    const two = await openai({ model: 'text-embedding-3-small', input: [[1212], [318, 257]] });
    assert.deepEqual([two.json.data.length, two.json.usage.prompt_tokens], [2, 3]);
  });

  it('refuses what OpenAI refuses', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ input: 'x' }, 'model'],
      [{ model: 'text-embedding-3-small', input: '' }, 'input'],
      [{ model: 'text-embedding-3-small', input: [] }, 'input'],
      [{ model: 'text-embedding-3-small', input: ['a', ''] }, 'input'],
      [{ model: 'text-embedding-3-small', input: Array.from({ length: 2049 }, () => 'x') }, 'input'],
      [{ model: 'text-embedding-3-small', input: [1.5] }, 'input'],
      [{ model: 'text-embedding-3-small', input: 'x', encoding_format: 'int8' }, 'encoding_format'],
      [{ model: 'text-embedding-3-small', input: 'x', dimensions: 1537 }, 'dimensions'],
      [{ model: 'text-embedding-ada-002', input: 'x', dimensions: 256 }, 'dimensions'],
    ];
    for (const [body, param] of cases) {
      const answer = await openai(body);
      assert.equal(answer.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(answer.json.error?.param, param);
    }
    assert.equal((await openai({ model: 'text-embedding-3-small', input: 'x' }, 'openai', {})).status, 401);
  });

  it('answers as Mistral under /mistral: 1,024 floats, and a 422 for fields beyond its schema or token ids', async () => {
    const ok = await openai({ model: 'mistral-embed', input: ['bonjour'] }, 'mistral');
    assert.equal(ok.status, 200);
    assert.equal((ok.json.data[0]?.embedding as number[] | undefined)?.length, 1024);
    for (const extra of [{ user: 'u' }, { dimensions: 1024 }]) {
      const refused = await openai({ model: 'mistral-embed', input: 'x', ...extra }, 'mistral');
      assert.equal(refused.status, 422);
      assert.match(JSON.stringify(refused.json), /extra_forbidden/);
    }
    assert.equal((await openai({ model: 'mistral-embed', input: [[1, 2]] }, 'mistral')).status, 400);
  });
});

describe('Gemini batchEmbedContents', () => {
  it('answers one vector per request: full size unit length; cut to outputDimensionality as a prefix, not rescaled', async () => {
    const full = await gemini('gemini-embedding-001', [text('alpha'), text('beta')]);
    assert.equal(full.status, 200);
    assert.deepEqual(Object.keys(full.json), ['embeddings'], 'no token counts');
    const alpha = full.json.embeddings[0]?.values ?? [];
    assert.equal(alpha.length, 3072);
    assert.ok(Math.abs(norm(alpha) - 1) < 1e-5);
    const cut = await gemini('gemini-embedding-001', [{ ...text('alpha'), outputDimensionality: 768 }]);
    const short = cut.json.embeddings[0]?.values ?? [];
    assert.deepEqual(short, alpha.slice(0, 768));
    assert.ok(norm(short) < 0.9, 'a cut vector is not unit length: the gateway must scale it');
  });

  it('refuses more than 100 requests as Google does, a model other than the URL one, and a missing key', async () => {
    const many = await gemini(
      'gemini-embedding-001',
      Array.from({ length: 101 }, (_, i) => text(`t${i}`)),
    );
    assert.equal(many.status, 400);
    assert.deepEqual(
      [many.json.error?.status, many.json.error?.message],
      ['INVALID_ARGUMENT', '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n'],
    );
    assert.equal(
      (
        await gemini(
          'gemini-embedding-001',
          Array.from({ length: 100 }, (_, i) => text(`t${i}`)),
        )
      ).json.embeddings.length,
      100,
    );
    assert.equal((await gemini('gemini-embedding-001', [{ ...text('x'), model: 'models/other' }])).status, 400);
    assert.equal((await gemini('gemini-embedding-001', [{ ...text('x'), outputDimensionality: 4000 }])).status, 400);
    assert.equal((await gemini('gemini-embedding-001', [text('x')], {})).status, 403);
  });
});

describe('embeddings knobs and stats', () => {
  it('injects faults in the provider shape and counts calls by model', async () => {
    simulator.sim.setKnobs('text-embedding-3-small', { errorRate: 1, errorStatus: 503 });
    const failed = await openai({ model: 'text-embedding-3-small', input: 'x' });
    assert.equal(failed.status, 503);
    simulator.sim.setKnobs('gemini-embedding-001', { errorRate: 1, errorStatus: 429 });
    const limited = await gemini('gemini-embedding-001', [text('x')]);
    assert.deepEqual([limited.status, limited.json.error?.status], [429, 'RESOURCE_EXHAUSTED']);
    const before = simulator.sim.stats().byModel['mistral-embed'] ?? 0;
    await openai({ model: 'mistral-embed', input: 'x' }, 'mistral');
    assert.equal(simulator.sim.stats().byModel['mistral-embed'], before + 1);
  });
});
