import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMBEDDING_FORMATS } from '../config/models.js';
import { adapterFor } from './registry.js';
import type { WireFormat } from './types.js';

describe('adapter registry', () => {
  it('has an embeddings API exactly for the formats the config lets embedding models use', () => {
    const formats: WireFormat[] = ['openai', 'anthropic', 'gemini'];
    for (const format of formats) {
      assert.equal(adapterFor(format).embeddings !== undefined, EMBEDDING_FORMATS.has(format), format);
    }
  });
});
