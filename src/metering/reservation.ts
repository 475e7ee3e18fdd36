/**
 * @module What a chat request reserves at admission, over every candidate the gateway may try: tokens for the rate
 * window (the prompt estimate plus the requested output, or a default), the worst-case cost for spend caps (a prompt
 * bound no tokenizer can exceed, at the model's highest prompt price since it may all be written to the prompt cache,
 * plus the largest output the model may produce), and concurrency slots. `n` choices
 * multiply the output (every choice may run to the limit), and where the gateway makes n upstream calls for one
 * answer (models without native `n`) each call is billed for the prompt and holds a concurrency slot while it runs.
 */
import type { AdmissionKey, AdmitInput, FanOutReason } from '../limits/index.js';
import { reservedOutputTokens } from '../limits/index.js';
import { requestedMaxTokens, type ChatCompletionRequest } from '../core/chat-request.js';
import type { EmbeddingRequest } from '../core/embedding-request.js';
import type { Candidate } from '../routing/index.js';
import { costBoundUsd, costUsd } from './pricing.js';
import type { PromptSize } from './token-count.js';

/** The prompt as admission sees it: the routed estimate (or count) for tpm, and its size for the spend bound. */
export interface PromptTokens {
  /** What routing settled on (the estimate, or the BPE count near a context limit). */
  tokens: number;
  size: PromptSize;
}

/**
 * The admission input for a chat request. `callsFor` tells how many upstream calls one candidate makes at once.
 * BYOK only when every candidate uses the account's own key: a failover to a gateway key would spend the gateway's
 * money, so a mixed route is reserved as non-BYOK.
 */
export function chatReservation(
  key: AdmissionKey,
  body: ChatCompletionRequest,
  prompt: PromptTokens,
  candidates: readonly Candidate[],
  callsFor: (candidate: Candidate) => number,
): AdmitInput {
  const requested = requestedMaxTokens(body);
  const choices = body.n ?? 1;
  let promptTokens = prompt.tokens;
  let maxOutputTokens = 0;
  let worstCaseCostUsd = 0;
  let slots = 1;
  for (const candidate of candidates) {
    const { model } = candidate;
    const calls = callsFor(candidate);
    slots = Math.max(slots, calls);
    promptTokens = Math.max(promptTokens, prompt.tokens * calls);
    maxOutputTokens = Math.max(maxOutputTokens, choices * reservedOutputTokens(requested, model.max_output_tokens));
    const promptBound = prompt.size.bound * calls;
    const output = choices * Math.min(requested ?? model.max_output_tokens, model.max_output_tokens);
    worstCaseCostUsd = Math.max(worstCaseCostUsd, costBoundUsd(promptBound, output, model.pricing));
  }
  const byok = candidates.length > 0 && candidates.every((c) => c.byok === true);
  return { key, promptTokens, maxOutputTokens, worstCaseCostUsd, byok, slots };
}

/**
 * The admission input for an embeddings request: its input tokens (the estimate, exact for token ids) for the rate
 * window, their byte bound at the input price for spend caps (embeddings have no output), and one concurrency slot
 * per upstream call the request runs at once (`callsFor`: Gemini's 100-input batches).
 */
export function embeddingReservation(
  key: AdmissionKey,
  req: EmbeddingRequest,
  candidates: readonly Candidate[],
  callsFor: (candidate: Candidate) => number,
): AdmitInput {
  let worstCaseCostUsd = 0;
  let slots = 1;
  for (const candidate of candidates) {
    slots = Math.max(slots, callsFor(candidate));
    const bound = req.prompt.bound;
    worstCaseCostUsd = Math.max(
      worstCaseCostUsd,
      costUsd({ prompt_tokens: bound, completion_tokens: 0, total_tokens: bound }, candidate.model.pricing),
    );
  }
  const byok = candidates.length > 0 && candidates.every((c) => c.byok === true);
  return { key, promptTokens: req.prompt.estimate, maxOutputTokens: 0, worstCaseCostUsd, byok, slots, fanOut: BATCHES_FAN_OUT };
}

/** An embeddings request over the inputs one upstream call takes (Gemini: 100) runs its batches in parallel. */
const BATCHES_FAN_OUT: FanOutReason = {
  param: 'input',
  cause: 'one per batch of inputs: the provider embeds at most a fixed number per call',
  remedy: 'send fewer inputs per request',
};
