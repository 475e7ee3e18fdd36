import type { RoutingMode } from '../lib/types';

export const ROUTING_LABELS: Record<RoutingMode, string> = {
  cost: 'Cost — cheapest',
  latency: 'Latency — fastest',
  reliability: 'Reliability — most successful',
};

export function RoutingOptions({ noneLabel }: { noneLabel?: string }) {
  return (
    <>
      {noneLabel ? <option value="">{noneLabel}</option> : null}
      <option value="cost">{ROUTING_LABELS.cost}</option>
      <option value="latency">{ROUTING_LABELS.latency}</option>
      <option value="reliability">{ROUTING_LABELS.reliability}</option>
    </>
  );
}

export function parseRouting(value: string): RoutingMode | null {
  return value === 'cost' || value === 'latency' || value === 'reliability' ? value : null;
}

/** '' → null (no cap); otherwise a non-negative number of dollars, or an Error to show. */
export function parseSpendCap(value: string): number | null | Error {
  const text = value.trim();
  if (!text) return null;
  const amount = Number(text);
  if (!Number.isFinite(amount) || amount < 0) return new Error('Spend cap must be a positive amount in USD, or empty for no cap.');
  return Math.round(amount * 100) / 100;
}

/** The spend cap field's input: US dollars, empty for no cap (read it with `parseSpendCap`). */
export function SpendCapInput({
  id,
  name,
  describedBy,
  value,
  onChange,
}: {
  id: string;
  name?: string;
  describedBy?: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <input
      id={id}
      name={name}
      type="number"
      inputMode="decimal"
      min="0"
      step="0.01"
      placeholder="No cap"
      aria-describedby={describedBy}
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
