/**
 * `POST /v1/responses` under hostile input (issue 17, "Bad input"): seeded mutations of valid bodies — fields
 * removed, replaced with values of every JSON type, items duplicated, reordered and retyped, ids and call ids
 * shuffled, `previous_response_id` and `item_reference` pointing anywhere — each answered with a 200 (JSON or a
 * complete stream) or an OpenAI-shaped 4xx, never a 500, a hang or a crash. `OP_FUZZ_SEED` replays another run.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createSeededRandom } from '../../src/simulator/random.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { validateOpenAI } from '../openai-schemas.js';

const SEED = Number(process.env.OP_FUZZ_SEED ?? 0x17_2026);
const COUNT = 300;

let gw: TestGateway;
let storedId = '';
let storedItemIds: string[] = [];
before(async () => {
  gw = await startTestGateway({ account: { plan: 'enterprise', rpm: 1_000_000, tpm: 1_000_000_000_000, concurrent: 1000 } });
  const stored = await gw.client().responses.create({
    model: 'gpt-5',
    input: 'Weather?',
    tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }],
  });
  storedId = stored.id;
  storedItemIds = stored.output.map((item) => item.id ?? '');
});
after(async () => {
  await gw.close();
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function seeds(): Record<string, Json>[] {
  const weather = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false };
  return [
    { model: 'gpt-5', input: 'Hello', instructions: 'Be brief', max_output_tokens: 64, temperature: 0.5 },
    {
      model: 'claude-sonnet-4.5',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Weather in Oslo?' }] },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'hmm' }], encrypted_content: 'op1.W10' },
        { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'snow' },
      ],
      tools: [weather, { type: 'web_search' }],
      tool_choice: 'auto',
      include: ['reasoning.encrypted_content'],
      store: false,
    },
    {
      model: 'gemini-2.5-flash',
      input: [{ type: 'message', role: 'user', content: 'Patch it' }],
      tools: [{ type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' } }],
      tool_choice: { type: 'custom', name: 'apply_patch' },
      text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object' } }, verbosity: 'low' },
    },
    { model: 'auto', routing: 'cost', previous_response_id: storedId, input: [{ type: 'function_call_output', call_id: 'call_x', output: 'ok' }] },
    {
      model: 'gpt-5',
      input: [
        { type: 'item_reference', id: storedItemIds[0] ?? 'x' },
        { role: 'user', content: 'and?' },
      ],
      stream: true,
    },
  ];
}

const KEYS = [
  'model',
  'input',
  'type',
  'role',
  'content',
  'id',
  'call_id',
  'output',
  'tools',
  'tool_choice',
  'text',
  'format',
  'schema',
  'previous_response_id',
  'encrypted_content',
  'stream',
  'store',
];

function mutate(value: Json, random: () => number, depth = 0): Json {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const scalar = (): Json =>
    pick<Json>([
      null,
      true,
      false,
      0,
      -1,
      1e308,
      15,
      '',
      'x',
      'resp_nope',
      storedId,
      storedItemIds[0] ?? '',
      'op1.',
      '\u0000\ud800',
      'a'.repeat(2000),
      [],
      {},
    ]);
  if (Array.isArray(value)) {
    const copy = [...value];
    const roll = random();
    if (roll < 0.2 && copy.length > 0) copy.splice(Math.floor(random() * copy.length), 1);
    else if (roll < 0.35 && copy.length > 0) copy.push(copy[Math.floor(random() * copy.length)] as Json);
    else if (roll < 0.45) copy.reverse();
    else if (roll < 0.5) copy.push(scalar());
    return copy.map((item) => (random() < 0.5 ? mutate(item, random, depth + 1) : item));
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, Json> = { ...value };
    const keys = Object.keys(copy);
    const roll = random();
    if (roll < 0.2 && keys.length > 0) delete copy[pick(keys)];
    else if (roll < 0.4 && keys.length > 0) copy[pick(keys)] = scalar();
    else if (roll < 0.5) copy[pick(KEYS)] = scalar();
    for (const key of Object.keys(copy)) if (random() < 0.4) copy[key] = mutate(copy[key] as Json, random, depth + 1);
    return copy;
  }
  return random() < 0.3 ? scalar() : value;
}

it(`${COUNT} mutated bodies: each a 200 or an OpenAI-shaped 4xx, never a 500`, async () => {
  const random = createSeededRandom(SEED);
  const bodies = seeds();
  const statuses = new Map<number, number>();
  for (let i = 0; i < COUNT; i++) {
    const base = bodies[i % bodies.length] as Json;
    const body = mutate(base, random);
    const response = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const context = `seed ${SEED} #${i}: ${JSON.stringify(body).slice(0, 600)} → ${response.status} ${text.slice(0, 300)}`;
    assert.ok(response.status === 200 || (response.status >= 400 && response.status < 500), context);
    if (response.status !== 200) validateOpenAI('ErrorResponse', JSON.parse(text));
    else if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream'))
      assert.match(text, /event: response\.(completed|incomplete|failed)/, context);
  }
  assert.ok((statuses.get(200) ?? 0) > 10 && [...statuses.keys()].some((status) => status >= 400), JSON.stringify([...statuses]));
});
