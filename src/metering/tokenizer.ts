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
 * One request's tokenizer budget: texts are counted exactly while `maxChars` characters last; past it, the rest of a
 * text is scaled from the tokens per character counted so far. Every bounded count of the gateway (prompts, streamed
 * output, embedding inputs) goes through one of these, so the tokenizer's work per request never exceeds the bound.
 */
export class TokenBudget {
  #remaining: number;
  #countedChars = 0;
  #countedTokens = 0;

  constructor(maxChars: number) {
    this.#remaining = maxChars;
  }

  /** Tokens of `text`, and whether the tokenizer saw all of it (else its tail was scaled). */
  count(text: string): { tokens: number; exact: boolean } {
    const exactChars = fitLength(text, this.#remaining);
    const tokens = exactChars === 0 ? 0 : tokenizer.count(exactChars === text.length ? text : text.slice(0, exactChars));
    this.#remaining -= exactChars;
    this.#countedChars += exactChars;
    this.#countedTokens += tokens;
    if (exactChars === text.length) return { tokens, exact: true };
    return { tokens: tokens + this.scale(text.length - exactChars), exact: false };
  }

  /** Tokens for `chars` characters nobody counted, at the rate counted so far. */
  scale(chars: number): number {
    const perChar = this.#countedChars > 0 ? this.#countedTokens / this.#countedChars : DEFAULT_TOKENS_PER_CHAR;
    return Math.ceil(chars * perChar);
  }
}

/**
 * Counts the tokens of several texts with at most `maxChars` characters going through the tokenizer in all (a
 * {@link TokenBudget}). Adding only keeps the text (up to the bound); the tokenizer runs when the total is asked for,
 * so a stream can feed every delta at the cost of an array push and pay for counting only if it ends without the
 * provider's usage.
 */
export class BoundedTokenCounter {
  readonly #maxChars: number;
  #kept: string[] = [];
  #keptChars = 0;
  #scaledChars = 0;
  #extraTokens = 0;
  #counted: { budget: TokenBudget; tokens: number } | undefined;

  constructor(maxChars: number) {
    this.#maxChars = maxChars;
  }

  /** Adds `text` to the count. */
  add(text: string): void {
    const end = fitLength(text, this.#maxChars - this.#keptChars);
    if (end > 0) this.#kept.push(end === text.length ? text : text.slice(0, end));
    this.#keptChars += end;
    this.#scaledChars += text.length - end;
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
    if (this.#counted === undefined) {
      const budget = new TokenBudget(this.#maxChars);
      this.#counted = { budget, tokens: budget.count(this.#kept.join('')).tokens };
    }
    const scaled = this.#scaledChars === 0 ? 0 : this.#counted.budget.scale(this.#scaledChars);
    return this.#counted.tokens + scaled + this.#extraTokens;
  }
}

/** How much of `text` fits `room` characters, never ending between the two halves of a surrogate pair. */
function fitLength(text: string, room: number): number {
  if (text.length <= room) return text.length;
  if (room <= 0) return 0;
  const code = text.charCodeAt(room - 1);
  return code >= 0xd800 && code <= 0xdbff ? room - 1 : room;
}
