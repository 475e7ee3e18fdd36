/**
 * @module Token counts of an embedding request's text inputs, with one tokenizer budget for the whole request.
 *
 * Each input can need its own count (the model's per-input limit), and the request its total (the per-request cap,
 * and settling when the upstream reports none, as Gemini's embedding API never does). All of them share one budget
 * of `requests.tokenizerMaxChars` characters through the o200k tokenizer (see `metering/tokenizer.ts`): inputs are
 * counted exactly while the budget lasts; past it, the rest of an input is scaled from the tokens per character
 * counted so far. The counts are memoised, so asking twice costs nothing, and nothing is tokenized until asked.
 * o200k stands in for every provider's tokenizer (OpenAI's embedding models use cl100k, Gemini and Mistral their
 * own): close for English and code; the provider's own count settles whenever it reports one.
 */
import { TokenBudget } from '../metering/tokenizer.js';

/** One request's text inputs and their counts. */
export class EmbeddingTokenCounter {
  readonly #texts: readonly string[];
  readonly #counts: (number | undefined)[];
  readonly #exact: boolean[];
  readonly #budget: TokenBudget;
  #scaled = false;

  /** @param maxChars characters of all inputs together the tokenizer may see (`requests.tokenizerMaxChars`). */
  constructor(texts: readonly string[], maxChars: number) {
    this.#texts = texts;
    this.#counts = new Array<number | undefined>(texts.length);
    this.#exact = new Array<boolean>(texts.length).fill(false);
    this.#budget = new TokenBudget(maxChars);
  }

  /** Tokens of input `index`: exact while the budget lasts, else its counted prefix plus the scaled rest. */
  count(index: number): number {
    const known = this.#counts[index];
    if (known !== undefined) return known;
    const { tokens, exact } = this.#budget.count(this.#texts[index] ?? '');
    if (!exact) this.#scaled = true;
    this.#exact[index] = exact;
    this.#counts[index] = tokens;
    return tokens;
  }

  /** Whether input `index` was counted whole by the tokenizer (false until counted). */
  isExact(index: number): boolean {
    return this.#exact[index] === true;
  }

  /** Whether some count so far was scaled past the budget rather than tokenized whole. */
  get scaled(): boolean {
    return this.#scaled;
  }

  /** Tokens of every input together. */
  total(): number {
    let sum = 0;
    for (let i = 0; i < this.#texts.length; i += 1) sum += this.count(i);
    return sum;
  }
}
