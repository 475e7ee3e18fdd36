/**
 * @module `n > 1` for providers with no native choices (Anthropic): the gateway sends n single-choice requests in
 * parallel and merges the answers into one, choice i from request i, usage summed (each request was billed for
 * its prompt). Streams are merged as their events arrive, each chunk re-indexed to its choice.
 */
import type { PromptTokensDetails, UpstreamCompletion, Usage } from '../core/chat-response.js';
import type { StreamStep } from '../providers/index.js';

/** Sums prompt token details; an optional count is kept when either side has it. */
function sumPromptDetails(total: PromptTokensDetails | undefined, part: PromptTokensDetails): PromptTokensDetails {
  const sum: PromptTokensDetails = { cached_tokens: (total?.cached_tokens ?? 0) + part.cached_tokens };
  for (const field of ['cache_write_tokens', 'cache_write_1h_tokens'] as const) {
    const value = total?.[field];
    if (value !== undefined || part[field] !== undefined) sum[field] = (value ?? 0) + (part[field] ?? 0);
  }
  return sum;
}

/** Sums usages; detail fields are kept when any part has them. */
export function sumUsage(parts: ReadonlyArray<Usage | undefined>): Usage {
  const total: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for (const usage of parts) {
    if (usage === undefined) continue;
    total.prompt_tokens += usage.prompt_tokens;
    total.completion_tokens += usage.completion_tokens;
    total.total_tokens += usage.total_tokens;
    if (usage.prompt_tokens_details !== undefined) {
      total.prompt_tokens_details = sumPromptDetails(total.prompt_tokens_details, usage.prompt_tokens_details);
    }
    if (usage.completion_tokens_details !== undefined) {
      total.completion_tokens_details = {
        reasoning_tokens: (total.completion_tokens_details?.reasoning_tokens ?? 0) + usage.completion_tokens_details.reasoning_tokens,
      };
    }
  }
  return total;
}

/**
 * One completion from n single-choice completions (same id, model and created). Its usage is the sum, or undefined
 * when no part reported one.
 */
export function mergeCompletions(parts: readonly UpstreamCompletion[]): UpstreamCompletion {
  const [first] = parts;
  if (first === undefined) throw new RangeError('mergeCompletions needs at least one completion');
  return {
    ...first,
    choices: parts.map((part, index) => {
      const choice = part.choices[0];
      if (choice === undefined) throw new RangeError('a fanned-out completion has no choice');
      return { ...choice, index };
    }),
    usage: parts.every((p) => p.usage === undefined) ? undefined : sumUsage(parts.map((p) => p.usage)),
  };
}

/**
 * Interleaves n single-choice streams as events arrive. Chunks are re-indexed to their stream's choice; each step
 * that carries usage reports the sum of the latest usage of every stream; the first error ends the merged stream.
 */
export async function* mergeChoiceStreams(streams: ReadonlyArray<AsyncGenerator<StreamStep>>): AsyncGenerator<StreamStep> {
  const latest: Array<Usage | undefined> = streams.map(() => undefined);
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<StreamStep> }>>();
  const pull = (index: number): void => {
    const stream = streams[index];
    if (stream !== undefined)
      pending.set(
        index,
        stream.next().then((result) => ({ index, result })),
      );
  };
  for (const index of streams.keys()) pull(index);
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done === true) {
        pending.delete(index);
        continue;
      }
      const step = result.value;
      const merged: StreamStep = {
        chunks: step.chunks.map((chunk) => ({ ...chunk, choices: chunk.choices.map((choice) => ({ ...choice, index })) })),
      };
      if (step.usage !== undefined) {
        latest[index] = step.usage;
        merged.usage = sumUsage(latest);
      }
      if (step.error !== undefined) merged.error = step.error;
      yield merged;
      if (step.error !== undefined) return;
      pull(index);
    }
  } finally {
    for (const stream of streams) void stream.return(undefined).catch(() => undefined);
  }
}
