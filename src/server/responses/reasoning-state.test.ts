import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReasoningDetail } from '../../core/chat-request.js';
import { decodeReasoningState, encodeReasoningState } from './reasoning-state.js';

const details: ReasoningDetail[] = [
  { type: 'reasoning.text', text: 'Let me think… ÷', signature: 'EqQBCkgIARABGAIiQL', format: 'anthropic' },
  { type: 'reasoning.encrypted', data: 'EmwKAhgBEgy3va3pzix', format: 'anthropic' },
];

describe('reasoning state envelope', () => {
  it('round-trips the details exactly, in an opaque op1. string', () => {
    const content = encodeReasoningState(details);
    assert.match(content, /^op1\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeReasoningState(content), details);
  });

  it("reads nothing from content that is not ours: OpenAI's Fernet tokens, garbage, wrong shapes, empty lists", () => {
    const foreign = [
      'gAAAAABpPDIUph8czEXzDePCV2lJ27wm7TsbCvazrvHSn0yWitN7RGWq8sjrPtfEYNkSVR8GZzB59nmPMV9haW4HIeHtIFfWz2boJ58r5pqN',
      'op1.not-json!',
      `op1.${Buffer.from('{"type":"reasoning.text"}').toString('base64url')}`,
      `op1.${Buffer.from('[{"type":"reasoning.text","text":"no format"}]').toString('base64url')}`,
      `op1.${Buffer.from('[]').toString('base64url')}`,
      'op2.whatever',
      '',
    ];
    for (const content of foreign) assert.equal(decodeReasoningState(content), undefined, content);
    assert.equal(decodeReasoningState(null), undefined);
    assert.equal(decodeReasoningState(undefined), undefined);
  });
});
