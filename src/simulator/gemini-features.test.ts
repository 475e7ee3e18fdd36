import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arr, obj, parseSse, post, PROVIDER_HEADERS } from './test-helpers.js';
import { useSimulator } from './test-fixture.js';

const headers = PROVIDER_HEADERS.gemini;
const simulator = useSimulator('');

const user = { role: 'user', parts: [{ text: 'Weather in Paris' }] }; // 16 chars → 4 + 3
const tools = [
  {
    functionDeclarations: [
      {
        name: 'get_weather',
        parametersJsonSchema: {
          type: 'object',
          properties: { city: { type: 'string' }, units: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
          required: ['city', 'units'],
        },
      },
      // Gemini's OpenAPI subset: upper-case types, no `required` means every property.
      { name: 'get_time', parameters: { type: 'OBJECT', properties: { zone: { type: 'STRING' }, exact: { type: 'BOOLEAN' } } } },
    ],
  },
];

function url(model: string, stream: boolean): string {
  return `${simulator.sim.url}/google/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
}

async function generate(body: Record<string, unknown>, model = 'gemini-2.5-flash'): Promise<Record<string, unknown>> {
  const response = await post(url(model, false), headers, { contents: [user], ...body });
  assert.equal(response.status, 200, await response.clone().text());
  return obj(await response.json());
}

async function streamed(body: Record<string, unknown>, model = 'gemini-2.5-flash'): Promise<Record<string, unknown>[]> {
  const response = await post(url(model, true), headers, { contents: [user], ...body });
  assert.equal(response.status, 200);
  return parseSse(await response.text()).map((event) => obj(JSON.parse(event.data)));
}

async function expect400(body: Record<string, unknown>, pattern: RegExp, model = 'gemini-2.5-flash'): Promise<void> {
  const response = await post(url(model, false), headers, { contents: [user], ...body });
  assert.equal(response.status, 400);
  const error = obj(obj(await response.json()).error);
  assert.equal(error.status, 'INVALID_ARGUMENT');
  assert.match(String(error.message), pattern);
}

function candidates(body: Record<string, unknown>): Record<string, unknown>[] {
  return arr(body.candidates).map(obj);
}

function parts(body: Record<string, unknown>, index = 0): Record<string, unknown>[] {
  return arr(obj(candidates(body)[index]?.content).parts).map(obj);
}

function usage(body: Record<string, unknown>): Record<string, unknown> {
  return obj(body.usageMetadata);
}

/** Text of one candidate across stream chunks, by its `index`; thought parts separately. */
function streamedText(chunks: Record<string, unknown>[], index: number, thought = false): string {
  return chunks
    .flatMap((chunk) => candidates(chunk).filter((entry) => entry.index === index))
    .flatMap((entry) => arr(obj(entry.content).parts).map(obj))
    .filter((part) => (part.thought === true) === thought)
    .map((part) => String(part.text ?? ''))
    .join('');
}

describe('Gemini format: function calls', () => {
  it('answers whole functionCall parts with args from the schema, finishReason STOP', async () => {
    const body = await generate({ tools });
    const [call] = parts(body);
    assert.deepEqual(call, { functionCall: { name: 'get_weather', args: { city: 'Weather', units: 'celsius' } } });
    assert.equal(candidates(body)[0]?.finishReason, 'STOP');
    assert.equal(candidates(body)[0]?.finishMessage, 'Model generated function call(s).');
    assert.ok(Number(usage(body).candidatesTokenCount) > 0);
  });

  it('signs the first of parallel calls on gemini-3 models only', async () => {
    simulator.sim.setKnobs('*', { parallelToolCalls: 2 });
    const signed = parts(await generate({ tools }, 'gemini-3-pro-preview'));
    assert.equal(signed.length, 2);
    assert.equal(typeof signed[0]?.thoughtSignature, 'string');
    assert.equal(signed[1]?.thoughtSignature, undefined);
    assert.deepEqual(obj(signed[1]?.functionCall), { name: 'get_time', args: { zone: 'in', exact: true } });
    const unsigned = parts(await generate({ tools }));
    assert.ok(unsigned.every((part) => part.thoughtSignature === undefined));
  });

  it('honours functionCallingConfig NONE and allowedFunctionNames', async () => {
    const none = await generate({ tools, toolConfig: { functionCallingConfig: { mode: 'NONE' } } });
    assert.match(String(parts(none)[0]?.text), /^Simulated reply/);
    const allowed = await generate({ tools, toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } } });
    assert.equal(obj(parts(allowed)[0]?.functionCall).name, 'get_time');
    await expect400({ tools, toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['nope'] } } }, /nope/);
  });

  it('answers function responses with text that mentions them', async () => {
    simulator.sim.setKnobs('*', { outputTokens: 12 });
    const body = await generate({
      tools,
      contents: [
        user,
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: 'Sunny and 22 degrees' } } }] },
      ],
    });
    assert.equal(parts(body)[0]?.text, 'Simulated reply from gemini-2.5-flash: The tool returned: Sunny and 22 degrees Sunny');
  });

  it('rejects unnamed function responses and response counts that do not match the calls', async () => {
    const calls = { role: 'model', parts: [{ functionCall: { name: 'a', args: {} } }, { functionCall: { name: 'b', args: {} } }] };
    const response = (name: string): Record<string, unknown> => ({ functionResponse: { name, response: { output: 'x' } } });
    await expect400(
      { contents: [user, calls, { role: 'user', parts: [response('a'), response('')] }] },
      /function_response\.name: Name cannot be empty/,
    );
    await expect400({ contents: [user, calls, { role: 'user', parts: [response('a')] }] }, /number of function response parts is equal/);
    await expect400({ contents: [{ role: 'user', parts: [response('a')] }] }, /immediately after a function call turn/);
  });

  it('on gemini-3, rejects a current-turn function call replayed without its thought signature', async () => {
    const model = 'gemini-3-pro-preview';
    const reply = { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: 'sunny' } } }] };
    const unsigned = { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] };
    const signed = { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} }, thoughtSignature: 'sig' }] };
    await expect400({ tools, contents: [user, unsigned, reply] }, /missing a thought_signature/, model);
    assert.ok(await generate({ tools, contents: [user, signed, reply] }, model));
    // Only the current turn (since the last user text) is checked.
    assert.ok(await generate({ tools, contents: [user, unsigned, reply, { role: 'model', parts: [{ text: 'ok' }] }, user] }, model));
    assert.ok(await generate({ tools, contents: [user, unsigned, reply] }), 'gemini-2.5 does not check');
  });

  it('streams the calls whole in one chunk, then an empty-text chunk with STOP', async () => {
    const chunks = await streamed({ tools });
    assert.equal(chunks.length, 2);
    assert.equal(candidates(chunks[0] ?? {})[0]?.finishReason, undefined);
    assert.deepEqual(parts(chunks[0] ?? {}), [{ functionCall: { name: 'get_weather', args: { city: 'Weather', units: 'celsius' } } }]);
    assert.deepEqual(parts(chunks[1] ?? {}), [{ text: '' }]);
    assert.equal(candidates(chunks[1] ?? {})[0]?.finishReason, 'STOP');
  });
});

describe('Gemini format: images', () => {
  const image = { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } };

  it('counts 258 tokens per inline image, by modality, and says how many it sees', async () => {
    const body = await generate({ contents: [{ role: 'user', parts: [{ text: 'one two three' }, image, image] }] });
    assert.equal(usage(body).promptTokenCount, 4 + 3 + 2 * 258);
    assert.deepEqual(usage(body).promptTokensDetails, [
      { modality: 'TEXT', tokenCount: 7 },
      { modality: 'IMAGE', tokenCount: 516 },
    ]);
    assert.equal(parts(body)[0]?.text, 'Simulated reply from gemini-2.5-flash: I see 2 images.');
  });

  it('rejects inlineData without data', async () => {
    await expect400({ contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png' } }] }] }, /data/);
  });
});

describe('Gemini format: candidates', () => {
  it('answers candidateCount candidates with their index and own text, usage summed', async () => {
    const contents = [{ role: 'user', parts: [{ text: 'one two three' }] }];
    const body = await generate({ contents, generationConfig: { candidateCount: 3 } });
    assert.deepEqual(
      candidates(body).map((entry) => entry.index),
      [0, 1, 2],
    );
    const texts = [0, 1, 2].map((index) => parts(body, index)[0]?.text);
    assert.equal(texts[1], 'Simulated reply from gemini-2.5-flash: two three one two');
    assert.equal(new Set(texts).size, 3);
    assert.equal(usage(body).candidatesTokenCount, 24);
    const chunks = await streamed({ contents, generationConfig: { candidateCount: 2 } });
    assert.deepEqual(
      [0, 1].map((index) => streamedText(chunks, index)),
      texts.slice(0, 2),
    );
    assert.ok(chunks.every((chunk) => candidates(chunk).length === 2));
    assert.equal(usage(chunks.at(-1) ?? {}).candidatesTokenCount, 16);
    await expect400({ generationConfig: { candidateCount: 9 } }, /candidate_count/);
  });
});

describe('Gemini format: thoughts', () => {
  it('adds a thought part and thoughtsTokenCount (outside candidatesTokenCount)', async () => {
    simulator.sim.setKnobs('*', { reasoningTokens: 4 });
    const body = await generate({ contents: [{ role: 'user', parts: [{ text: 'one two three' }] }] });
    assert.deepEqual(parts(body)[0], { text: 'Thinking about: one two', thought: true });
    assert.equal(parts(body)[1]?.text, 'Simulated reply from gemini-2.5-flash: one two three one');
    assert.equal(usage(body).thoughtsTokenCount, 4);
    assert.equal(usage(body).candidatesTokenCount, 8);
    assert.equal(usage(body).totalTokenCount, 7 + 8 + 4);
  });

  it('streams thought chunks first, without candidatesTokenCount until the answer starts', async () => {
    simulator.sim.setKnobs('*', { reasoningTokens: 2 });
    const chunks = await streamed({});
    assert.equal(chunks.length, 10);
    assert.equal(streamedText(chunks, 0, true), 'Thinking about:');
    assert.ok(chunks.slice(0, 2).every((chunk) => !('candidatesTokenCount' in usage(chunk))));
    assert.equal(usage(chunks[1] ?? {}).thoughtsTokenCount, 2);
    assert.equal(usage(chunks.at(-1) ?? {}).candidatesTokenCount, 8);
  });
});

describe('Gemini format: blocked prompts', () => {
  it('answers 200 with promptFeedback.blockReason SAFETY and no candidates, streamed as one chunk', async () => {
    simulator.sim.setKnobs('*', { refuse: true });
    const body = await generate({ tools });
    assert.deepEqual(body.promptFeedback, { blockReason: 'SAFETY' });
    assert.equal(body.candidates, undefined);
    assert.deepEqual(Object.keys(usage(body)).sort(), ['promptTokenCount', 'promptTokensDetails', 'totalTokenCount']);
    const chunks = await streamed({});
    assert.equal(chunks.length, 1);
    assert.equal(obj(chunks[0]?.promptFeedback).blockReason, 'SAFETY');
  });
});

describe('Gemini format: JSON output', () => {
  it('answers JSON text for responseMimeType application/json, with or without a schema', async () => {
    const withSchema = await generate({
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', properties: { city: { type: 'string' }, count: { type: 'integer' } }, required: ['city', 'count'] },
      },
    });
    assert.deepEqual(JSON.parse(String(parts(withSchema)[0]?.text)), { city: 'Weather', count: 1 });
    const openApi = await generate({
      generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'ARRAY', items: { type: 'NUMBER' } } },
    });
    assert.deepEqual(JSON.parse(String(parts(openApi)[0]?.text)), [1]);
    const plain = await generate({ generationConfig: { responseMimeType: 'application/json' } });
    assert.equal(typeof obj(JSON.parse(String(parts(plain)[0]?.text))).result, 'string');
  });
});

describe('Gemini format: cached content', () => {
  it('reports cachedContentTokenCount inside promptTokenCount', async () => {
    simulator.sim.setKnobs('*', { cachedPromptTokens: 5 });
    const body = await generate({});
    assert.equal(usage(body).cachedContentTokenCount, 5);
    assert.equal(usage(body).promptTokenCount, 7);
    assert.deepEqual(usage(body).cacheTokensDetails, [{ modality: 'TEXT', tokenCount: 5 }]);
  });
});
