/** What the admission benchmarks share: the requests they admit, and timed rounds summed up. */
import type { AdmissionKey, AdmitInput } from '../../src/limits/index.js';

/**
 * One request per account for `accounts` accounts on the `pro` plan, each with a key; spend caps are set (high) so
 * every admission stage runs. Admit them round-robin.
 */
export function admissionInputs(accounts: number): AdmitInput[] {
  const limits = { rpm: null, tpm: null, concurrent: null, includedTokens: null };
  return Array.from({ length: accounts }, (_, i) => {
    const key: AdmissionKey = {
      keyId: `key_${i}`,
      accountId: `acct_${i}`,
      plan: 'pro',
      keySpendCapUsd: 1_000_000,
      accountSpendCapUsd: 1_000_000,
      limits,
    };
    return { key, promptTokens: 500, maxOutputTokens: 1000, worstCaseCostUsd: 0.0115, byok: false };
  });
}

/** The figures of timed rounds: a figure's mean over the rounds, or its lowest (best) value. */
export interface Rounds<T> {
  mean(pick: (round: T) => number): number;
  best(pick: (round: T) => number): number;
}

/** Runs `count` rounds one after another and keeps their figures. */
export async function timeRounds<T>(count: number, round: () => Promise<T>): Promise<Rounds<T>> {
  const rounds: T[] = [];
  for (let i = 0; i < count; i += 1) rounds.push(await round());
  return {
    mean: (pick) => rounds.reduce((sum, r) => sum + pick(r), 0) / rounds.length,
    best: (pick) => Math.min(...rounds.map(pick)),
  };
}
