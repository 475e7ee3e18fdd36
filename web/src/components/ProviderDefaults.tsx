/**
 * A key's default provider preferences (OpenRouter's `provider` object: order, only, ignore, sort, max price,
 * fallbacks, required parameters) as form fields, the summary the keys table shows, and the conversions between the
 * two. Fields the form does not show (a sort's `partition`, per-request or image price caps set through the API or
 * CLI) are kept as they are when the form is saved.
 */
import { useId } from 'react';
import type { ProviderPreferences, ProviderSort } from '../lib/types';

/** The form's state: text as typed, checkboxes as ticked. */
export interface ProviderDraft {
  order: string;
  only: string;
  ignore: string;
  sort: ProviderSort | '';
  maxPrompt: string;
  maxCompletion: string;
  noFallbacks: boolean;
  requireParameters: boolean;
}

const SORT_LABELS: Record<ProviderSort, string> = {
  price: 'Price — cheapest first',
  latency: 'Latency — fastest answer first',
  throughput: 'Throughput — most tokens per second first',
};

function sortBy(prefs: ProviderPreferences): ProviderSort | undefined {
  return typeof prefs.sort === 'object' ? prefs.sort.by : prefs.sort;
}

/** The form state of a key's preferences (none: every field empty). */
export function toDraft(prefs: ProviderPreferences | null | undefined): ProviderDraft {
  const p = prefs ?? {};
  const price = (value: number | string | undefined) => (value === undefined ? '' : String(value));
  return {
    order: (p.order ?? []).join(', '),
    only: (p.only ?? []).join(', '),
    ignore: (p.ignore ?? []).join(', '),
    sort: sortBy(p) ?? '',
    maxPrompt: price(p.max_price?.prompt),
    maxCompletion: price(p.max_price?.completion),
    noFallbacks: p.allow_fallbacks === false,
    requireParameters: p.require_parameters === true,
  };
}

function ids(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

function price(text: string, what: string): number | undefined | Error {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const usd = Number(trimmed);
  return Number.isFinite(usd) && usd >= 0 ? usd : new Error(`Max ${what} price must be a non-negative amount in USD per million tokens, or empty.`);
}

/**
 * The preferences to save: the form's fields over the key's current object (so fields the form does not show are
 * kept); null when nothing is left; an Error to show for a bad price. The gateway checks provider ids.
 */
export function fromDraft(draft: ProviderDraft, current: ProviderPreferences | null | undefined): ProviderPreferences | null | Error {
  const next: ProviderPreferences = { ...(current ?? {}) };
  for (const field of ['order', 'only', 'ignore'] as const) {
    const list = ids(draft[field]);
    if (list.length > 0) next[field] = list;
    else delete next[field];
  }
  if (draft.sort === '') delete next.sort;
  else if (sortBy(next) !== draft.sort) next.sort = draft.sort;
  const prompt = price(draft.maxPrompt, 'prompt');
  const completion = price(draft.maxCompletion, 'completion');
  if (prompt instanceof Error) return prompt;
  if (completion instanceof Error) return completion;
  const maxPrice = { ...(next.max_price ?? {}) };
  delete maxPrice.prompt;
  delete maxPrice.completion;
  if (prompt !== undefined) maxPrice.prompt = prompt;
  if (completion !== undefined) maxPrice.completion = completion;
  if (Object.keys(maxPrice).length > 0) next.max_price = maxPrice;
  else delete next.max_price;
  if (draft.noFallbacks) next.allow_fallbacks = false;
  else delete next.allow_fallbacks;
  if (draft.requireParameters) next.require_parameters = true;
  else delete next.require_parameters;
  return Object.keys(next).length > 0 ? next : null;
}

/** One line for the keys table, e.g. "sort price · ignore openai · max $1/$2". */
export function providerSummary(prefs: ProviderPreferences | null | undefined): string | null {
  if (!prefs) return null;
  const parts: string[] = [];
  const by = sortBy(prefs);
  if (by) parts.push(`sort ${by}`);
  if (prefs.order?.length) parts.push(`order ${prefs.order.join(', ')}`);
  if (prefs.only?.length) parts.push(`only ${prefs.only.join(', ')}`);
  if (prefs.ignore?.length) parts.push(`ignore ${prefs.ignore.join(', ')}`);
  const max = prefs.max_price;
  if (max?.prompt !== undefined || max?.completion !== undefined) parts.push(`max $${max?.prompt ?? 'any'}/$${max?.completion ?? 'any'}`);
  if (prefs.allow_fallbacks === false) parts.push('no fallbacks');
  if (prefs.require_parameters) parts.push('all parameters');
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** The fields, for a settings form. */
export function ProviderDefaultsFields({ value, onChange }: { value: ProviderDraft; onChange: (draft: ProviderDraft) => void }) {
  const id = useId();
  const set = <K extends keyof ProviderDraft>(field: K, fieldValue: ProviderDraft[K]) => onChange({ ...value, [field]: fieldValue });
  const text = (field: 'order' | 'only' | 'ignore' | 'maxPrompt' | 'maxCompletion', label: string, placeholder: string) => (
    <div className="field">
      <label htmlFor={`${id}-${field}`}>{label}</label>
      <input id={`${id}-${field}`} placeholder={placeholder} value={value[field]} onChange={(event) => set(field, event.target.value)} />
    </div>
  );
  return (
    <fieldset className="field">
      <legend>Provider preferences</legend>
      <p className="field-hint">
        Defaults for this key's requests, as OpenRouter's <code>provider</code> object; a request's own <code>provider</code> fields win. Provider ids
        are comma-separated (e.g. groq, deepinfra).
      </p>
      {text('order', 'Try these providers first', 'e.g. groq, deepinfra')}
      {text('only', 'Only these providers', 'Any provider')}
      {text('ignore', 'Never these providers', 'None')}
      <div className="field">
        <label htmlFor={`${id}-sort`}>Sort deployments by</label>
        <select id={`${id}-sort`} value={value.sort} onChange={(event) => set('sort', parseSort(event.target.value))}>
          <option value="">Routing mode (no sort)</option>
          {(Object.keys(SORT_LABELS) as ProviderSort[]).map((sort) => (
            <option key={sort} value={sort}>
              {SORT_LABELS[sort]}
            </option>
          ))}
        </select>
      </div>
      {text('maxPrompt', 'Max prompt price (USD per million tokens)', 'No limit')}
      {text('maxCompletion', 'Max completion price (USD per million tokens)', 'No limit')}
      <div className="field field-check">
        <input id={`${id}-fallbacks`} type="checkbox" checked={value.noFallbacks} onChange={(event) => set('noFallbacks', event.target.checked)} />
        <label htmlFor={`${id}-fallbacks`}>No fallbacks: only the first choice (or the providers listed first)</label>
      </div>
      <div className="field field-check">
        <input
          id={`${id}-parameters`}
          type="checkbox"
          checked={value.requireParameters}
          onChange={(event) => set('requireParameters', event.target.checked)}
        />
        <label htmlFor={`${id}-parameters`}>Only deployments that support every parameter of the request</label>
      </div>
    </fieldset>
  );
}

function parseSort(value: string): ProviderSort | '' {
  return value === 'price' || value === 'latency' || value === 'throughput' ? value : '';
}
