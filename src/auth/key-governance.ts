/**
 * @module An API key's governance settings — a budget per period, a model allow-list, its own rpm and tpm, an
 * expiry — as its owner sets them (dashboard API, CLI) and as they are stored. Every check runs before anything is
 * written, so a refused change leaves the key as it was. The allow-list is checked against the catalog by the caller
 * (`routing/model-allow-list.ts`); here only its entries' own shape.
 *
 * A budget is an amount and a period: an amount alone is monthly; a period alone changes the period of the key's
 * budget (refused when it has none); clearing the amount (null) clears the budget.
 */
import { modelPatternProblem } from '../core/model-patterns.js';
import type { ApiKeyRecord, BudgetPeriod, KeyGovernanceColumns } from '../store/index.js';
import { readAllowedModels, writeAllowedModels } from './allowed-models.js';
import { AuthServiceError } from './errors.js';
import { checkBudget, checkExpiresAt, checkKeyRateLimit, parseBudgetPeriod } from './validate.js';

/** Governance settings to give a key or change on one; an omitted field is left as it is (none, for a new key). */
export interface KeyGovernanceInput {
  /** USD per period; null: no budget. */
  budgetUsd?: number | null;
  /** `daily`, `weekly` or `monthly` (the default when only an amount is given). */
  budgetPeriod?: string | null;
  /** Catalog ids and glob patterns, already checked against the catalog by the caller; null: every model. */
  allowedModels?: readonly string[] | null;
  /** The key's own requests per minute (whole, at least 1); null: none. */
  rpmLimit?: number | null;
  /** The key's own tokens per minute (whole, at least 1); null: none. */
  tpmLimit?: number | null;
  /** ISO-8601 time in the future; null: never. */
  expiresAt?: string | null;
}

/** A key's governance settings as its owner sees them; null fields: none. */
export interface KeyGovernance {
  budgetUsd: number | null;
  budgetPeriod: BudgetPeriod | null;
  allowedModels: string[] | null;
  rpmLimit: number | null;
  tpmLimit: number | null;
  expiresAt: string | null;
}

/** The columns to store for a new key. @throws {AuthServiceError} for any invalid field. */
export function newKeyGovernance(input: KeyGovernanceInput, now: Date): KeyGovernanceColumns {
  const patch = governancePatch(input, { budgetUsd: null, budgetPeriod: null }, now);
  return {
    budgetUsd: patch.budgetUsd ?? null,
    budgetPeriod: patch.budgetPeriod ?? null,
    allowedModels: patch.allowedModels ?? null,
    rpmLimit: patch.rpmLimit ?? null,
    tpmLimit: patch.tpmLimit ?? null,
    expiresAt: patch.expiresAt ?? null,
  };
}

/**
 * The columns a change sets (absent: unchanged), given the key's current budget.
 * @throws {AuthServiceError} `invalid_budget`, `invalid_budget_period`, `invalid_allowed_models`, `invalid_rpm_limit`,
 * `invalid_tpm_limit` or `invalid_expires_at`.
 */
export function governancePatch(
  input: KeyGovernanceInput,
  current: Pick<KeyGovernanceColumns, 'budgetUsd' | 'budgetPeriod'>,
  now: Date,
): Partial<KeyGovernanceColumns> {
  const patch: Partial<KeyGovernanceColumns> = { ...budgetPatch(input, current) };
  if (input.allowedModels !== undefined) patch.allowedModels = writeAllowedModels(checkEntries(input.allowedModels));
  if (input.rpmLimit !== undefined) patch.rpmLimit = checkKeyRateLimit('rpm', input.rpmLimit);
  if (input.tpmLimit !== undefined) patch.tpmLimit = checkKeyRateLimit('tpm', input.tpmLimit);
  if (input.expiresAt !== undefined) patch.expiresAt = checkExpiresAt(input.expiresAt, now);
  return patch;
}

/** A stored key's settings as its owner sees them. */
export function keyGovernanceOf(record: ApiKeyRecord): KeyGovernance {
  return {
    budgetUsd: record.budgetUsd,
    budgetPeriod: record.budgetUsd === null ? null : (record.budgetPeriod ?? 'monthly'),
    allowedModels: readAllowedModels(record.allowedModels),
    rpmLimit: record.rpmLimit,
    tpmLimit: record.tpmLimit,
    expiresAt: record.expiresAt,
  };
}

/** The governance columns of a key, to copy onto the key that replaces it by rotation. */
export function governanceColumnsOf(record: ApiKeyRecord): KeyGovernanceColumns {
  const { budgetUsd, budgetPeriod, allowedModels, rpmLimit, tpmLimit, expiresAt } = record;
  return { budgetUsd, budgetPeriod, allowedModels, rpmLimit, tpmLimit, expiresAt };
}

function budgetPatch(input: KeyGovernanceInput, current: Pick<KeyGovernanceColumns, 'budgetUsd' | 'budgetPeriod'>): Partial<KeyGovernanceColumns> {
  const period = input.budgetPeriod === undefined || input.budgetPeriod === null ? undefined : parseBudgetPeriod(input.budgetPeriod);
  if (input.budgetUsd === null) {
    if (period !== undefined)
      throw new AuthServiceError('invalid_budget_period', 'a budget period needs a budget amount; to remove the budget, clear the amount only');
    return { budgetUsd: null, budgetPeriod: null };
  }
  if (input.budgetUsd !== undefined) return { budgetUsd: checkBudget(input.budgetUsd), budgetPeriod: period ?? current.budgetPeriod ?? 'monthly' };
  if (period === undefined) return {};
  if (current.budgetUsd === null) throw new AuthServiceError('invalid_budget_period', 'a budget period needs a budget amount: set one with it');
  return { budgetPeriod: period };
}

function checkEntries(entries: readonly string[] | null): string[] | null {
  if (entries === null) return null;
  for (const entry of entries) {
    const problem = modelPatternProblem(entry);
    if (problem !== undefined)
      throw new AuthServiceError('invalid_allowed_models', `allowed model ${JSON.stringify(entry.slice(0, 100))} ${problem}`);
  }
  if (entries.length === 0) throw new AuthServiceError('invalid_allowed_models', 'the allowed models list is empty: send null to allow every model');
  return [...new Set(entries)];
}
