/**
 * @module o200k BPE token counts (the GPT-4o/GPT-5 encoding), with the tokenizer loaded on first use, and the
 * bound that keeps any one request from making the gateway tokenize without limit.
 *
 * Two costs make the tokenizer dangerous on a shared event loop: its tables (about 60 MB, loaded on first use), and
 * BPE merging, which is quadratic in the length of one pre-token — a 40 KB run without spaces takes a second, 160 KB
 * seventeen. So text is fed to it in pieces of at most {@link PIECE_CHARS} characters (cut at whitespace where there
 * is some, so the count matches the whole-text count to within a token per cut), which makes it linear; and a
 * {@link BoundedTokenCounter} sends at most a configured number of characters per request through it, scaling the
 * rest from the tokens per character it saw.
 */
import { createRequire } from 'node:module';

type Encoding = typeof import('gpt-tokenizer/encoding/o200k_base');

/** The longest piece handed to BPE in one call: long enough to keep words whole, short enough to stay cheap. */
export const PIECE_CHARS = 1024;

/**
 * Characters per request the tokenizer counts exactly, unless configured (`requests.tokenizerMaxChars`, whose
 * default in `config/default.yaml` is this figure): about 8k tokens, a few milliseconds of tokenizing at worst.
 */
export const DEFAULT_TOKENIZER_MAX_CHARS = 32_768;

/** Tokens per character assumed for text when no text was counted yet (English runs about 4 characters a token). */
const DEFAULT_TOKENS_PER_CHAR = 0.25;

let encoding: Encoding | undefined;

/** The o200k tokenizer. An object rather than a function so tests can observe what it is handed. */
export const tokenizer = {
  /** Tokens in `text` as o200k counts them, in time linear in its length. */
  count(text: string): number {
    encoding ??= createRequire(import.meta.url)('gpt-tokenizer/cjs/encoding/o200k_base') as Encoding;
    if (text.length <= PIECE_CHARS) return encoding.countTokens(text);
    let total = 0;
    for (let start = 0; start < text.length; ) {
      const end = pieceEnd(text, start);
      total += encoding.countTokens(text.slice(start, end));
      start = end;
    }
    return total;
  },
};

/**
 * Where the piece starting at `start` ends: before the last whitespace in its second half, else after
 * {@link PIECE_CHARS} characters (never between the two halves of a surrogate pair).
 */
function pieceEnd(text: string, start: number): number {
  const limit = start + PIECE_CHARS;
  if (limit >= text.length) return text.length;
  for (let i = limit - 1; i > start + PIECE_CHARS / 2; i -= 1) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d) return i;
  }
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/**
 * Counts the tokens of several texts with at most `maxChars` characters going through the tokenizer in all: the
 * first `maxChars` exactly, everything after from the tokens per character of what was counted. One counter per
 * request (its prompt, or its streamed output) bounds the tokenizer's work for that request whatever its size.
 * Adding only keeps the text (up to the bound); the tokenizer runs when the total is asked for, so a stream can
 * feed every delta at the cost of an array push and pay for counting only if it ends without the provider's usage.
 */
export class BoundedTokenCounter {
  readonly #maxChars: number;
  #kept: string[] = [];
  #keptChars = 0;
  #scaledChars = 0;
  #extraTokens = 0;
  #counted: number | undefined;

  constructor(maxChars: number) {
    this.#maxChars = maxChars;
  }

  /** Adds `text` to the count. */
  add(text: string): void {
    const room = this.#maxChars - this.#keptChars;
    if (text.length <= room) {
      this.#kept.push(text);
      this.#keptChars += text.length;
    } else {
      const end = room > 0 && isHighSurrogate(text.charCodeAt(room - 1)) ? room - 1 : Math.max(room, 0);
      if (end > 0) this.#kept.push(text.slice(0, end));
      this.#keptChars += end;
      this.#scaledChars += text.length - end;
    }
    this.#counted = undefined;
  }

  /** Adds tokens counted another way (e.g. estimated from bytes that were never decoded). */
  addTokens(tokens: number): void {
    this.#extraTokens += tokens;
  }

  /** Whether nothing was added. */
  get empty(): boolean {
    return this.#keptChars === 0 && this.#scaledChars === 0 && this.#extraTokens === 0;
  }

  /** The count: exact when every text fit the bound, else the exact part plus the scaled remainder. */
  total(): number {
    this.#counted ??= this.#kept.length === 0 ? 0 : tokenizer.count(this.#kept.join(''));
    if (this.#scaledChars === 0) return this.#counted + this.#extraTokens;
    const perChar = this.#keptChars > 0 ? this.#counted / this.#keptChars : DEFAULT_TOKENS_PER_CHAR;
    return this.#counted + Math.ceil(this.#scaledChars * perChar) + this.#extraTokens;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
