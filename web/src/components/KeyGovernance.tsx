/**
 * A key's governance — a budget per period, the models it may use, its own rate limits, an expiry — as form fields
 * (the create form's "Limits and access" and the key's settings dialog), the summary the keys table shows, and the
 * conversions between the two. The gateway checks every value again (400 naming the field): here only what the form
 * can tell at once.
 */
import { useId } from 'react';
import { formatDateTime, formatUsd } from '../lib/format';
import type { ApiKey, BudgetPeriod, KeyGovernancePatch } from '../lib/types';

/** The form's state: text as typed. */
export interface GovernanceDraft {
  budget: string;
  period: BudgetPeriod;
  models: string;
  rpm: string;
  tpm: string;
  /** A `datetime-local` value, in the browser's time zone; empty: never. */
  expires: string;
}

const PERIOD_LABELS: Record<BudgetPeriod, string> = {
  daily: 'per day (from 00:00 UTC)',
  weekly: 'per week (from Monday 00:00 UTC)',
  monthly: 'per month (from the 1st, UTC)',
};

const PERIOD_SHORT: Record<BudgetPeriod, string> = { daily: 'day', weekly: 'week', monthly: 'month' };

/** The form state of a key's settings (a new key: every field empty, monthly). */
export function toGovernanceDraft(key?: ApiKey): GovernanceDraft {
  const count = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));
  return {
    budget: count(key?.budget_usd),
    period: key?.budget_period ?? 'monthly',
    models: (key?.allowed_models ?? []).join(', '),
    rpm: count(key?.rpm_limit),
    tpm: count(key?.tpm_limit),
    expires: key?.expires_at ? toLocalInput(key.expires_at) : '',
  };
}

/**
 * The fields to send: every one for a key's settings (empty clears; the expiry only when changed, so an unchanged one
 * never counts as "in the past"), only those filled in for a new key; an Error to show for a value the form can tell
 * is wrong.
 */
export function fromGovernanceDraft(draft: GovernanceDraft, current?: ApiKey): KeyGovernancePatch | Error {
  const patch: KeyGovernancePatch = {};
  const budget = draft.budget.trim();
  if (budget === '') {
    if (current?.budget_usd !== null && current?.budget_usd !== undefined) patch.budget_usd = null;
  } else {
    const usd = Number(budget);
    if (!Number.isFinite(usd) || usd < 0) return new Error('Budget must be a non-negative amount in USD, or empty for none.');
    patch.budget_usd = usd;
    patch.budget_period = draft.period;
  }
  const models = draft.models
    .split(/[\s,]+/)
    .map((model) => model.trim())
    .filter((model) => model !== '');
  if (models.length > 0) patch.allowed_models = models;
  else if (current?.allowed_models) patch.allowed_models = null;
  for (const [field, text, what] of [
    ['rpm_limit', draft.rpm, 'Requests per minute'],
    ['tpm_limit', draft.tpm, 'Tokens per minute'],
  ] as const) {
    const trimmed = text.trim();
    if (trimmed === '') {
      if (current?.[field] !== null && current?.[field] !== undefined) patch[field] = null;
      continue;
    }
    const count = Number(trimmed);
    if (!Number.isSafeInteger(count) || count < 1) return new Error(`${what} must be a whole number of at least 1, or empty for none.`);
    patch[field] = count;
  }
  const original = current?.expires_at ? toLocalInput(current.expires_at) : '';
  if (draft.expires !== original) {
    const ms = draft.expires === '' ? null : new Date(draft.expires).getTime();
    if (ms !== null && !(ms > Date.now())) return new Error('The expiry must be in the future, or empty for never.');
    patch.expires_at = ms === null ? null : new Date(ms).toISOString();
  }
  return patch;
}

/** One line for the keys table, e.g. "$5.00/week · 30 rpm · claude-* · expires 1 Jun 2026, 00:00". */
export function governanceSummary(key: ApiKey): string | null {
  const parts: string[] = [];
  if (key.budget_usd !== null && key.budget_usd !== undefined)
    parts.push(`${formatUsd(key.budget_usd)}/${PERIOD_SHORT[key.budget_period ?? 'monthly']}`);
  if (key.rpm_limit) parts.push(`${key.rpm_limit} rpm`);
  if (key.tpm_limit) parts.push(`${key.tpm_limit} tpm`);
  if (key.allowed_models?.length) parts.push(key.allowed_models.join(', '));
  if (key.expires_at) parts.push(`expires ${formatDateTime(key.expires_at)}`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** The fields, for the create form and the settings dialog. */
export function KeyGovernanceFields({ value, onChange }: { value: GovernanceDraft; onChange: (draft: GovernanceDraft) => void }) {
  const id = useId();
  const set = <K extends keyof GovernanceDraft>(field: K, fieldValue: GovernanceDraft[K]) => onChange({ ...value, [field]: fieldValue });
  const input = (field: 'budget' | 'models' | 'rpm' | 'tpm', label: string, placeholder: string, numeric: boolean) => (
    <div className="field">
      <label htmlFor={`${id}-${field}`}>{label}</label>
      <input
        id={`${id}-${field}`}
        inputMode={numeric ? 'decimal' : undefined}
        placeholder={placeholder}
        value={value[field]}
        onChange={(event) => set(field, event.target.value)}
      />
    </div>
  );
  return (
    <fieldset className="field">
      <legend>Limits and access</legend>
      <p className="field-hint">
        Beneath the account's own limits: the tighter one wins. A request past the budget gets 402, past the rate limits 429, for a model not allowed
        403; after the expiry the key is refused like a revoked one.
      </p>
      {input('budget', 'Budget (USD)', 'No budget', true)}
      <div className="field">
        <label htmlFor={`${id}-period`}>Budget period</label>
        <select id={`${id}-period`} value={value.period} onChange={(event) => set('period', parsePeriod(event.target.value))}>
          {(Object.keys(PERIOD_LABELS) as BudgetPeriod[]).map((period) => (
            <option key={period} value={period}>
              {PERIOD_LABELS[period]}
            </option>
          ))}
        </select>
      </div>
      {input('models', 'Allowed models', 'Every model (or e.g. gpt-4o-mini, claude-*)', false)}
      {input('rpm', 'Requests per minute', "The account's limit", true)}
      {input('tpm', 'Tokens per minute', "The account's limit", true)}
      <div className="field">
        <label htmlFor={`${id}-expires`}>Expires</label>
        <input id={`${id}-expires`} type="datetime-local" value={value.expires} onChange={(event) => set('expires', event.target.value)} />
        <p className="field-hint">Your local time; empty: never.</p>
      </div>
    </fieldset>
  );
}

function parsePeriod(value: string): BudgetPeriod {
  return value === 'daily' || value === 'weekly' ? value : 'monthly';
}

/** An ISO time as a `datetime-local` value in the browser's time zone (minutes). */
function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
