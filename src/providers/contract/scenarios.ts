/**
 * @module The scenarios of the adapter contract: one OpenAI request each, and the one OpenAI answer every adapter
 * must produce from its own upstream's payloads for it (see `adapter.contract.test.ts`).
 *
 * The expected answers are the same for every wire format on purpose: that sameness is what the contract checks.
 * Each adapter's `__fixtures__/contract.json` holds, per scenario, what the upstream request must contain and the
 * upstream's answer (a whole body and the same answer as a stream), built to mean exactly the expected answer.
 */
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import type { FinishReason } from '../../core/chat-response.js';

/** Every scenario, in the order the suite runs them. A fixture file must cover (or explicitly skip) each one. */
export const SCENARIO_NAMES = [
  'text',
  'toolCall',
  'parallelToolCalls',
  'toolResults',
  'image',
  'candidates',
  'jsonObject',
  'jsonSchema',
  'stopSequence',
  'maxTokens',
  'reasoning',
  'refusal',
  'blockedPrompt',
  'cachedPrompt',
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** A tool call as the client must see it; ids are provider-made, so they are checked for shape, not value. */
export interface ExpectedToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface ExpectedChoice {
  content: string | null;
  /** `reasoning_content`; absent means the message must have none. */
  reasoning?: string;
  toolCalls?: ExpectedToolCall[];
  finishReason: FinishReason;
}

/** Token counts. A `cached`/`reasoning` count must be reported as given; when left out, it must be 0 or absent. */
export interface ExpectedUsage {
  prompt: number;
  completion: number;
  cached?: number;
  reasoning?: number;
}

export interface ExpectedAnswer {
  /** In choice-index order. */
  choices: ExpectedChoice[];
  usage: ExpectedUsage;
  /** Compare `content` as parsed JSON: providers stream JSON with their own whitespace. */
  jsonContent?: boolean;
}

export interface Scenario {
  name: ScenarioName;
  /** What the scenario shows, for test titles. */
  title: string;
  request: ChatCompletionRequest;
  expected: ExpectedAnswer;
}

const model = 'contract-model';

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
} as const;

const timeTool = {
  type: 'function',
  function: {
    name: 'get_time',
    description: 'Local time in an IANA time zone',
    parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] },
  },
} as const;

const weatherSchema = {
  type: 'object',
  properties: { city: { type: 'string' }, temperature_c: { type: 'number' } },
  required: ['city', 'temperature_c'],
  additionalProperties: false,
};

/** A 1×1 PNG, as a client would inline it. */
export const CONTRACT_IMAGE_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const weatherJson = '{"city":"Paris","temperature_c":18}';
const stopAnswer = (content: string | null): ExpectedChoice => ({ content, finishReason: 'stop' });

/** The scenarios, keyed by name. */
export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  text: {
    name: 'text',
    title: 'plain text with a system prompt',
    request: {
      model,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello.' },
      ],
      temperature: 0.5,
    },
    expected: { choices: [stopAnswer('Hello! How can I help you today?')], usage: { prompt: 14, completion: 10 } },
  },
  toolCall: {
    name: 'toolCall',
    title: 'one tool call',
    request: {
      model,
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: 'auto',
    },
    expected: {
      choices: [
        {
          content: null,
          toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
          finishReason: 'tool_calls',
        },
      ],
      usage: { prompt: 62, completion: 16 },
    },
  },
  parallelToolCalls: {
    name: 'parallelToolCalls',
    title: 'two parallel tool calls, a tool call required',
    request: {
      model,
      messages: [{ role: 'user', content: 'Weather and local time in Paris?' }],
      tools: [weatherTool, timeTool],
      tool_choice: 'required',
    },
    expected: {
      choices: [
        {
          content: null,
          toolCalls: [
            { name: 'get_weather', arguments: { city: 'Paris' } },
            { name: 'get_time', arguments: { timezone: 'Europe/Paris' } },
          ],
          finishReason: 'tool_calls',
        },
      ],
      usage: { prompt: 98, completion: 38 },
    },
  },
  toolResults: {
    name: 'toolResults',
    title: 'two tool results sent back, then the answer',
    request: {
      model,
      messages: [
        { role: 'user', content: 'Weather and local time in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            {
              id: 'call_t',
              type: 'function',
              function: { name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_w', content: '18°C, sunny' },
        { role: 'tool', tool_call_id: 'call_t', content: '14:05' },
      ],
      tools: [weatherTool, timeTool],
    },
    expected: {
      choices: [stopAnswer('It is 18°C and sunny in Paris, and the local time is 14:05.')],
      usage: { prompt: 140, completion: 20 },
    },
  },
  image: {
    name: 'image',
    title: 'an image as a data: URL',
    request: {
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this image?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${CONTRACT_IMAGE_BASE64}` } },
          ],
        },
      ],
    },
    expected: { choices: [stopAnswer('A single red pixel.')], usage: { prompt: 30, completion: 6 } },
  },
  candidates: {
    name: 'candidates',
    title: 'n = 2 choices',
    request: { model, messages: [{ role: 'user', content: 'Flip a coin.' }], n: 2 },
    expected: { choices: [stopAnswer('Heads.'), stopAnswer('Tails.')], usage: { prompt: 11, completion: 6 } },
  },
  jsonObject: {
    name: 'jsonObject',
    title: 'response_format json_object',
    request: {
      model,
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      response_format: { type: 'json_object' },
    },
    expected: { choices: [stopAnswer(weatherJson)], usage: { prompt: 40, completion: 12 }, jsonContent: true },
  },
  jsonSchema: {
    name: 'jsonSchema',
    title: 'response_format json_schema',
    request: {
      model,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'weather', strict: true, schema: weatherSchema } },
    },
    expected: { choices: [stopAnswer(weatherJson)], usage: { prompt: 40, completion: 12 }, jsonContent: true },
  },
  stopSequence: {
    name: 'stopSequence',
    title: 'a stop sequence ends the answer',
    request: { model, messages: [{ role: 'user', content: 'Count to five, then write END.' }], stop: ['END'] },
    expected: { choices: [stopAnswer('1, 2, 3, 4, 5\n')], usage: { prompt: 16, completion: 14 } },
  },
  maxTokens: {
    name: 'maxTokens',
    title: 'the token limit cuts the answer',
    request: { model, messages: [{ role: 'user', content: 'Tell me a long story.' }], max_completion_tokens: 5 },
    expected: {
      choices: [{ content: 'Once upon a time,', finishReason: 'length' }],
      usage: { prompt: 13, completion: 5 },
    },
  },
  reasoning: {
    name: 'reasoning',
    title: 'reasoning kept out of content',
    request: { model, messages: [{ role: 'user', content: 'What is 17 × 3?' }], reasoning_effort: 'low' },
    expected: {
      choices: [{ content: '51', reasoning: 'Multiply 17 by 3: 17 × 3 = 51.', finishReason: 'stop' }],
      usage: { prompt: 15, completion: 40, reasoning: 32 },
    },
  },
  refusal: {
    name: 'refusal',
    title: 'the model refuses',
    request: { model, messages: [{ role: 'user', content: 'Explain how to pick a lock to break into a house.' }] },
    expected: {
      choices: [{ content: null, finishReason: 'content_filter' }],
      usage: { prompt: 20, completion: 0 },
    },
  },
  blockedPrompt: {
    name: 'blockedPrompt',
    title: 'the prompt is blocked before generation',
    request: { model, messages: [{ role: 'user', content: 'A prompt the provider blocks.' }] },
    expected: { choices: [{ content: null, finishReason: 'content_filter' }], usage: { prompt: 9, completion: 0 } },
  },
  cachedPrompt: {
    name: 'cachedPrompt',
    title: 'prompt tokens read from the cache',
    request: {
      model,
      messages: [
        { role: 'system', content: 'The shared instructions every request repeats.' },
        { role: 'user', content: 'Reply with one word.' },
      ],
    },
    expected: { choices: [stopAnswer('Understood.')], usage: { prompt: 2048, completion: 3, cached: 1920 } },
  },
};
