import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderPreferences } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import { checkProviderPreferences, orderByProvider, ProviderDirectory, resolvePreferences } from './provider-preferences.js';

const providers = new ProviderDirectory(['openai', 'anthropic', 'groq', 'deepinfra']);

/** Asserts `run` throws a 400 naming `param`, and returns its message. */
function refused(run: () => unknown, param: string): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.status, 400);
    assert.equal(error.param, param);
    return error.message;
  }
  assert.fail(`expected a 400 naming ${param}`);
}

describe('checkProviderPreferences', () => {
  it('spells provider ids as the catalog does, whatever their case, and drops repeats', () => {
    const checked = checkProviderPreferences({ order: ['Groq', 'DEEPINFRA', 'groq'], only: ['OpenAI'], ignore: [] }, providers);
    assert.deepEqual(checked, { order: ['groq', 'deepinfra'], only: ['openai'], ignore: [] });
  });

  it('refuses an unknown provider naming the list it was in and the providers there are', () => {
    for (const list of ['order', 'only', 'ignore'] as const) {
      const message = refused(() => checkProviderPreferences({ [list]: ['openai', 'together'] }, providers), `provider.${list}`);
      assert.match(message, /Unknown provider `together`/);
      assert.match(message, /anthropic, deepinfra, groq, openai/);
    }
    refused(() => checkProviderPreferences({ ignore: ['nope'] }, providers, 'default_provider'), 'default_provider.ignore');
  });

  it('reads prices as numbers or numeric strings (OpenRouter SDKs send strings) and refuses negative or non-numeric ones', () => {
    const checked = checkProviderPreferences({ max_price: { prompt: '1.5', completion: 2, request: 0 } }, providers);
    assert.deepEqual(checked.max_price, { prompt: 1.5, completion: 2, request: 0 });
    refused(() => checkProviderPreferences({ max_price: { prompt: -1 } }, providers), 'provider.max_price.prompt');
    refused(() => checkProviderPreferences({ max_price: { completion: 'cheap' } }, providers), 'provider.max_price.completion');
    refused(() => checkProviderPreferences({ max_price: { completion: '' } }, providers), 'provider.max_price.completion');
  });

  it('accepts data-policy fields only with the value that asks for nothing, and refuses other unknown fields', () => {
    const noOps: ProviderPreferences = { data_collection: 'allow', zdr: false, enforce_distillable_text: null, sort: 'price' };
    assert.deepEqual(checkProviderPreferences(noOps, providers), { sort: 'price' });
    refused(() => checkProviderPreferences({ data_collection: 'deny' }, providers), 'provider.data_collection');
    refused(() => checkProviderPreferences({ zdr: true }, providers), 'provider.zdr');
    const message = refused(() => checkProviderPreferences({ quantizations: ['fp8'] }, providers), 'provider.quantizations');
    assert.match(message, /supported: order, only, ignore, allow_fallbacks, require_parameters, sort, max_price/);
  });
});

describe('resolvePreferences', () => {
  it('is undefined when neither the request nor the key sets anything', () => {
    assert.equal(resolvePreferences(undefined, null), undefined);
    assert.equal(resolvePreferences({}, {}), undefined);
  });

  it("takes the key's defaults field by field, the request's fields winning (an empty list clears the key's)", () => {
    const key: ProviderPreferences = { ignore: ['groq'], sort: 'price', max_price: { prompt: 1 } };
    const merged = resolvePreferences({ sort: { by: 'latency', partition: 'none' }, only: ['openai', 'groq'] }, key);
    assert.ok(merged !== undefined);
    assert.deepEqual([...merged.ignore], ['groq']);
    assert.deepEqual(merged.sort, { by: 'latency', partition: 'none' });
    assert.deepEqual(merged.maxPrice, { prompt: 1, completion: undefined });
    assert.deepEqual([...(merged.only ?? [])], ['openai', 'groq']);
    assert.deepEqual([...merged.fromKeyDefaults].sort(), ['ignore', 'max_price']);
    const cleared = resolvePreferences({ ignore: [] }, key);
    assert.equal(cleared?.ignore.size, 0);
  });

  it('fills the defaults: fallbacks allowed, parameters not required, a string sort partitioned by model', () => {
    const resolved = resolvePreferences({ sort: 'throughput' }, undefined);
    assert.equal(resolved?.allowFallbacks, true);
    assert.equal(resolved?.requireParameters, false);
    assert.deepEqual(resolved?.sort, { by: 'throughput', partition: 'model' });
    assert.deepEqual(resolved?.order, []);
    assert.equal(resolved?.only, undefined);
  });
});

describe('orderByProvider', () => {
  it('puts the listed providers first in the listed order and keeps the rest as they were', () => {
    const items = ['openai/a', 'groq/b', 'anthropic/c', 'deepinfra/d', 'groq/e'];
    const ordered = orderByProvider(items, ['deepinfra', 'groq'], (item) => item.split('/')[0] ?? '');
    assert.deepEqual(ordered, ['deepinfra/d', 'groq/b', 'groq/e', 'openai/a', 'anthropic/c']);
    assert.deepEqual(
      orderByProvider(items, [], (item) => item),
      items,
    );
  });
});
