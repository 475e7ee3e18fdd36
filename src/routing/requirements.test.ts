import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatModelConfig, ProviderConfig } from '../config/types.js';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import { countPromptTokens, measurePrompt, type PromptSize } from '../metering/token-count.js';
import { Catalog } from './catalog.js';
import {
  DEFAULT_EXPECTED_OUTPUT_TOKENS,
  deriveRequirements,
  describeExclusion,
  filterCatalog,
  formatCount,
  noCapableModelError,
  type Exclusion,
  type Requirements,
} from './requirements.js';
import { defaultCatalog, promptOfSize, textRequest } from './strategies/strategy.contract.test.js';

function model(id: string, overrides: Partial<ChatModelConfig> = {}): ChatModelConfig {
  return {
    id,
    owned_by: 'test',
    created: 0,
    context_length: 100_000,
    max_output_tokens: 10_000,
    pricing: { input_per_million: 1, output_per_million: 2 },
    capabilities: { vision: true, tools: true },
    deployments: [{ provider: 'p', model: `${id}-up` }],
    ...overrides,
  };
}
const providers = (keyed: string[]): Record<string, ProviderConfig> =>
  Object.fromEntries(
    ['p', 'q'].map((id) => [id, { id, format: 'openai' as const, baseUrl: `http://${id}`, apiKey: keyed.includes(id) ? 'k' : undefined }]),
  );

const imageMessage: ChatCompletionRequest['messages'][number] = {
  role: 'user',
  content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }],
};
const tool = { type: 'function' as const, function: { name: 'f' } };

function needs(overrides: Partial<Requirements>): Requirements {
  return { promptTokens: 10, maxOutputTokens: undefined, expectedOutputTokens: 512, contextTokens: 10, vision: false, tools: false, ...overrides };
}

describe('deriveRequirements', () => {
  it('counts the prompt and defaults the expected output', () => {
    const req = textRequest();
    const derived = deriveRequirements(req);
    assert.equal(derived.promptTokens, countPromptTokens(req));
    assert.equal(derived.maxOutputTokens, undefined);
    assert.equal(derived.expectedOutputTokens, DEFAULT_EXPECTED_OUTPUT_TOKENS);
    assert.equal(derived.contextTokens, derived.promptTokens);
    assert.equal(derived.vision, false);
    assert.equal(derived.tools, false);
  });

  it('tokenizes the prompt only when its byte bound may not fit the smallest context window', () => {
    const req = textRequest({ max_tokens: 100 });
    const measured = measurePrompt(req);
    let counts = 0;
    const spy: PromptSize = {
      estimate: measured.estimate,
      bound: measured.bound,
      counted: () => {
        counts += 1;
        return measured.counted();
      },
    };
    const limits = (smallestContext: number) => ({ smallestContext, largestContext: 1_000_000, largestOutput: 100_000 });
    const roomy = deriveRequirements(req, spy, limits(measured.bound + 100));
    assert.equal(roomy.promptTokens, measured.estimate);
    assert.equal(roomy.contextTokens, measured.estimate + 100);
    assert.equal(counts, 0);
    const tight = deriveRequirements(req, spy, limits(measured.bound + 99));
    assert.equal(tight.promptTokens, countPromptTokens(req));
    assert.equal(counts, 1);
  });

  it('does not tokenize when no count could make the request fit: max_tokens beyond every context or output limit', () => {
    let counts = 0;
    const sized = (req: ReturnType<typeof textRequest>): PromptSize => {
      const measured = measurePrompt(req);
      return {
        estimate: measured.estimate,
        bound: measured.bound,
        counted: () => {
          counts += 1;
          return measured.counted();
        },
      };
    };
    const limits = { smallestContext: 10, largestContext: 1_000, largestOutput: 500 };
    const overContext = textRequest({ max_tokens: 1_000 });
    assert.equal(deriveRequirements(overContext, sized(overContext), limits).promptTokens, measurePrompt(overContext).estimate);
    const overOutput = textRequest({ max_tokens: 501 });
    deriveRequirements(overOutput, sized(overOutput), limits);
    assert.equal(counts, 0);
    const mayFit = textRequest({ max_tokens: 400 });
    deriveRequirements(mayFit, sized(mayFit), limits);
    assert.equal(counts, 1);
  });

  it('uses max_completion_tokens over max_tokens for both the fit and the estimate', () => {
    const derived = deriveRequirements(textRequest({ max_tokens: 100, max_completion_tokens: 300 }), promptOfSize(1000));
    assert.equal(derived.maxOutputTokens, 300);
    assert.equal(derived.expectedOutputTokens, 300);
    assert.equal(derived.contextTokens, 1300);
  });

  it('needs vision only for a user image part and tools only for a non-empty list', () => {
    assert.equal(deriveRequirements(textRequest({ messages: [imageMessage] })).vision, true);
    assert.equal(deriveRequirements(textRequest({ tools: [] })).tools, false);
    assert.equal(deriveRequirements(textRequest({ tools: [tool] })).tools, true);
  });
});

describe('filterCatalog', () => {
  it('excludes each deployment for its first unmet requirement, in the fixed order', () => {
    const catalog = new Catalog(
      [
        model('small', { context_length: 1000, max_output_tokens: 100, capabilities: { vision: false, tools: false } }),
        model('short-output', { max_output_tokens: 100, capabilities: { vision: false, tools: true } }),
        model('blind', { capabilities: { vision: false, tools: true } }),
        model('no-tools', { capabilities: { vision: true, tools: false } }),
        model('unkeyed', { deployments: [{ provider: 'q', model: 'u' }] }),
        model('open', { deployments: [{ provider: 'p', model: 'o' }] }),
        model('good', {
          deployments: [
            { provider: 'p', model: 'g1' },
            { provider: 'q', model: 'g2' },
          ],
        }),
      ],
      providers(['p']),
    );
    const req = needs({ contextTokens: 5000, maxOutputTokens: 1000, vision: true, tools: true });
    const { capable, excluded } = filterCatalog(catalog, req, (key) => key === 'p/o');
    assert.deepEqual(
      capable.map((c) => c.deployment.model),
      ['g1'],
    );
    const reasons = Object.fromEntries(excluded.map((e) => [e.deployment.model, e.reason]));
    assert.deepEqual(reasons, {
      'small-up': 'context_length',
      'short-output-up': 'max_output_tokens',
      'blind-up': 'vision',
      'no-tools-up': 'tools',
      u: 'provider_unconfigured',
      o: 'circuit_open',
      g2: 'provider_unconfigured',
    });
  });

  it('keeps every default-catalog deployment for a small text request (16 models, llama-4-maverick on two providers)', () => {
    const { capable, excluded } = filterCatalog(defaultCatalog(), deriveRequirements(textRequest()), () => false);
    assert.equal(capable.length, 17);
    assert.equal(new Set(capable.map((c) => c.model.id)).size, 16);
    assert.equal(excluded.length, 0);
  });
});

describe('noCapableModelError', () => {
  it('names the context nothing holds, with thousands separators', () => {
    const error = noCapableModelError(defaultCatalog(), needs({ promptTokens: 1_999_488, maxOutputTokens: 512, contextTokens: 2_000_000 }));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_request');
    assert.equal(error.param, 'messages');
    assert.match(error.message, /^No model with a 2,000,000-token context \(about 1,999,488 prompt tokens \+ 512 max output tokens\)\.$/);
  });

  it('names an output limit nothing allows', () => {
    const error = noCapableModelError(defaultCatalog(), needs({ maxOutputTokens: 200_000, contextTokens: 200_010 }));
    assert.equal(error.status, 400);
    assert.match(error.message, /^No model with a 200,000-token output limit\.$/);
    assert.equal(error.param, 'max_tokens');
  });

  it('names the combination when each requirement is met by some model but never together', () => {
    const catalog = new Catalog(
      [model('eyes', { capabilities: { vision: true, tools: false } }), model('hands', { capabilities: { vision: false, tools: true } })],
      providers(['p']),
    );
    const error = noCapableModelError(catalog, needs({ vision: true, tools: true }));
    assert.equal(error.status, 400);
    assert.equal(error.message, 'No model supports vision and tools.');
  });

  it('combines a context and a capability nothing meets', () => {
    const catalog = new Catalog([model('blind', { capabilities: { vision: false, tools: true } })], providers(['p']));
    const error = noCapableModelError(catalog, needs({ promptTokens: 300_000, contextTokens: 300_000, vision: true }));
    assert.match(error.message, /^No model with a 300,000-token context supports vision \(about 300,000 prompt tokens\)\.$/);
  });

  it('ignores models whose provider has no key', () => {
    const catalog = new Catalog(
      [model('big', { context_length: 2_000_000, deployments: [{ provider: 'q', model: 'b' }] }), model('small')],
      providers(['p']),
    );
    assert.match(noCapableModelError(catalog, needs({ promptTokens: 500_000, contextTokens: 500_000 })).message, /500,000-token context/);
  });

  it('answers 503 when only open circuits are in the way, or no provider is configured', () => {
    const catalog = new Catalog([model('m')], providers(['p']));
    const open = noCapableModelError(catalog, needs({}));
    assert.equal(open.status, 503);
    assert.equal(open.code, 'provider_unavailable');
    assert.match(open.message, /open circuit/);
    const none = noCapableModelError(new Catalog([model('m')], providers([])), needs({}));
    assert.equal(none.status, 503);
    assert.match(none.message, /No provider is configured/);
  });
});

describe('describeExclusion and formatCount', () => {
  it('explains every reason', () => {
    const m = model('m', { context_length: 128_000, max_output_tokens: 8192 });
    const req = needs({ contextTokens: 200_000, maxOutputTokens: 10_000 });
    const text = (reason: Exclusion['reason']): string => describeExclusion({ model: m, deployment: m.deployments[0]!, reason }, req);
    assert.equal(text('context_length'), 'context 128,000 < 200,000 tokens needed');
    assert.equal(text('max_output_tokens'), 'max output 8,192 < 10,000 requested');
    assert.equal(text('vision'), 'does not support image input');
    assert.equal(text('tools'), 'does not support tools');
    assert.equal(text('provider_unconfigured'), 'provider p has no API key');
    assert.equal(text('circuit_open'), 'circuit open after repeated failures');
  });

  it('groups thousands', () => {
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(1000), '1,000');
    assert.equal(formatCount(2_000_000), '2,000,000');
  });
});
