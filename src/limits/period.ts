/**
 * @module The periods of an API key's budget: a UTC day, an ISO week (Monday 00:00 UTC to the next Monday) or a UTC
 * calendar month. Each period has a label that names it (`2026-05-10`, `W2026-05-04` for the week starting Monday
 * 4 May, `2026-05`): a budget counter holds the label of the period it counts, and a counter whose label is not the
 * current one counts nothing, so the budget starts again at the period's start without any timer. The Redis scripts
 * compute the same labels (`lua-prelude.ts`), so both must change together.
 */
import { monthBounds, monthOf } from './month.js';

/** How often a key's budget starts again. */
export type BudgetPeriod = 'daily' | 'weekly' | 'monthly';

/** The periods shorter than a month: their budgets need a counter of their own (a monthly one shares the key's). */
export type ShortBudgetPeriod = Exclude<BudgetPeriod, 'monthly'>;

/** Whether `period` is a day or a week: a budget with a counter of its own. */
export function isShortPeriod(period: BudgetPeriod | null | undefined): period is ShortBudgetPeriod {
  return period === 'daily' || period === 'weekly';
}

const DAY_MS = 86_400_000;

/** A period's bounds in epoch ms: `startMs` inclusive, `endMs` exclusive. */
export interface PeriodBounds {
  readonly startMs: number;
  readonly endMs: number;
}

/** The period of kind `period` containing `ms`. */
export function periodBounds(period: BudgetPeriod, ms: number): PeriodBounds {
  switch (period) {
    case 'daily': {
      const startMs = Math.floor(ms / DAY_MS) * DAY_MS;
      return { startMs, endMs: startMs + DAY_MS };
    }
    case 'weekly': {
      const startMs = mondayOf(Math.floor(ms / DAY_MS)) * DAY_MS;
      return { startMs, endMs: startMs + 7 * DAY_MS };
    }
    case 'monthly':
      return monthBounds(ms);
    default:
      return unknownPeriod(period);
  }
}

/** The label of the period of kind `period` containing `ms`. */
export function periodLabel(period: BudgetPeriod, ms: number): string {
  switch (period) {
    case 'daily':
      return isoDate(Math.floor(ms / DAY_MS));
    case 'weekly':
      return `W${isoDate(mondayOf(Math.floor(ms / DAY_MS)))}`;
    case 'monthly':
      return monthOf(ms);
    default:
      return unknownPeriod(period);
  }
}

/** The day number (days since 1970-01-01) of the Monday starting the ISO week of day `day`. 1970-01-01 was a Thursday. */
function mondayOf(day: number): number {
  return day - ((((day + 3) % 7) + 7) % 7);
}

/** Day labels already formatted: every admission asks for today's and this week's Monday's, which rarely change. */
const isoDates = new Map<number, string>();

/** `YYYY-MM-DD` of a day number. */
function isoDate(day: number): string {
  let label = isoDates.get(day);
  if (label === undefined) {
    if (isoDates.size >= 16) isoDates.clear();
    label = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoDates.set(day, label);
  }
  return label;
}

function unknownPeriod(period: never): never {
  throw new Error(`unknown budget period ${JSON.stringify(period)}`);
}
