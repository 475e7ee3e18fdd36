import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/index.js';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import type { AdmissionKey } from '../limits/effective-limits.js';
import { Catalog } from '../routing/catalog.js';
import { InMemoryCircuitBreakers } from '../routing/circuit-breaker.js';
import { InMemoryHealthStore } from '../routing/health.js';
import { Router } from '../routing/router.js';
import { chatReservation } from './reservation.js';
import { measurePrompt } from './token-count.js';

const config = loadConfig({ env: {} });
// Keys for every provider: nothing is called, routing only needs the deployments to be usable.
const providers = Object.fromEntries(Object.entries(config.providers).map(([id, p]) => [id, { ...p, apiKey: 'sk-unit' }]));
const router = new Router({
  catalog: new Catalog(config.models, providers),
  health: new InMemoryHealthStore({ now: () => 0 }),
  breakers: new InMemoryCircuitBreakers({ now: () => 0 }),
  now: () => 0,
  random: () => 0.5,
});
const key: AdmissionKey = {
  keyId: 'key_a',
  accountId: 'acct_a',
  plan: 'pro',
  keySpendCapUsd: 5,
  accountSpendCapUsd: null,
  limits: { rpm: null, tpm: null, concurrent: null, includedTokens: null },
};

describe('chatReservation: the spend bound', () => {
  it('prices the prompt bound at a Claude model one-hour cache-write price, the most a prompt token can cost', () => {
    const body: ChatCompletionRequest = { model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: 'Summarise this.' }], max_tokens: 100 };
    const prompt = measurePrompt(body);
    const { candidates } = router.route(body);
    const reservation = chatReservation(key, body, { tokens: prompt.estimate, size: prompt }, candidates, () => 1);
    const pricing = candidates[0]?.model.pricing;
    assert.equal(pricing?.cache_write_1h_per_million, 6);
    assert.equal(reservation.worstCaseCostUsd, Math.round(((prompt.bound * 6 + 100 * 15) / 1e6) * 1e9) / 1e9);
  });

  it('prices it at the input price for a model without prompt cache write prices', () => {
    const body: ChatCompletionRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise this.' }], max_tokens: 100 };
    const prompt = measurePrompt(body);
    const { candidates } = router.route(body);
    const pricing = candidates[0]?.model.pricing;
    assert.ok(pricing !== undefined);
    const reservation = chatReservation(key, body, { tokens: prompt.estimate, size: prompt }, candidates, () => 1);
    const expected = (prompt.bound * pricing.input_per_million + 100 * pricing.output_per_million) / 1e6;
    assert.equal(reservation.worstCaseCostUsd, Math.round(expected * 1e9) / 1e9);
  });
});
