/**
 * @module o200k BPE token counts (the GPT-4o/GPT-5 encoding), with the tokenizer loaded on first use. Its tables
 * cost about 60 MB of memory and a few milliseconds per thousand tokens, so the request path calls it only where a
 * cheap estimate is not good enough: a prompt that may not fit some model's context window, and the output of a
 * stream that ended without the provider's usage.
 */
import { createRequire } from 'node:module';

type Encoding = typeof import('gpt-tokenizer/encoding/o200k_base');

let encoding: Encoding | undefined;

/** Tokens in `text` as o200k counts them. */
export function countTokens(text: string): number {
  encoding ??= createRequire(import.meta.url)('gpt-tokenizer/cjs/encoding/o200k_base') as Encoding;
  return encoding.countTokens(text);
}
