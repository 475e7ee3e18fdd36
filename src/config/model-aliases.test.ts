import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from './load.js';
import { toModelAliases } from './model-aliases.js';
import type { ModelConfig } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'op-aliases-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function configFile(text: string): string {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
}

const model = (id: string): ModelConfig => ({
  id,
  owned_by: 'x',
  created: 0,
  context_length: 1000,
  max_output_tokens: 100,
  pricing: { input_per_million: 1, output_per_million: 2 },
  capabilities: { vision: false, tools: true },
  deployments: [{ provider: 'p', model: id }],
});

describe('model aliases', () => {
  it("ship Anthropic's own ids for the catalog's Claude models", () => {
    const { modelAliases } = loadConfig({ env: {} });
    assert.equal(modelAliases['claude-sonnet-4-5'], 'claude-sonnet-4.5');
    assert.equal(modelAliases['claude-sonnet-4-5-20250929'], 'claude-sonnet-4.5');
    assert.equal(modelAliases['claude-haiku-4-5'], 'claude-haiku-4.5');
    assert.equal(modelAliases['claude-haiku-4-5-20251001'], 'claude-haiku-4.5');
    assert.equal(modelAliases['claude-opus-4-5-20251101'], 'claude-opus-4.5');
    assert.equal(modelAliases['claude-sonnet-4-20250514'], 'claude-sonnet-4');
  });

  it("are extended by the operator's file, not replaced", () => {
    const { modelAliases } = loadConfig({ file: configFile('modelAliases:\n  fast: gpt-5-nano\n'), env: {} });
    assert.equal(modelAliases.fast, 'gpt-5-nano');
    assert.equal(modelAliases['claude-sonnet-4-5'], 'claude-sonnet-4.5');
  });

  it('refuse an operator alias naming an unknown model, or taking a catalog id or "auto"', () => {
    assert.throws(
      () => loadConfig({ file: configFile('modelAliases:\n  fast: gpt-9\n'), env: {} }),
      (error: unknown) => {
        return error instanceof ConfigError && /modelAliases\/fast: names unknown model "gpt-9"/.test(error.message);
      },
    );
    assert.throws(() => loadConfig({ file: configFile('modelAliases:\n  gpt-5: gpt-5-nano\n'), env: {} }), /catalog model id or "auto"/);
    assert.throws(() => loadConfig({ file: configFile('modelAliases:\n  auto: gpt-5-nano\n'), env: {} }), /catalog model id or "auto"/);
  });

  it('leave out built-in aliases that no longer fit a replaced catalog', () => {
    const builtIn = { 'claude-sonnet-4-5': 'claude-sonnet-4.5', 'claude-haiku-4-5': 'claude-haiku-4.5', mine: 'claude-haiku-4-5' };
    const aliases = toModelAliases(builtIn, new Set(['mine']), [model('claude-haiku-4-5')]);
    assert.deepEqual(aliases, { mine: 'claude-haiku-4-5' }, 'the gone model and the name now a catalog id are dropped');
  });
});
