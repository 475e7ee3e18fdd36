/** @module Reading an SQL aggregate (COUNT, SUM) as a number, whatever the dialect and driver return. */

/**
 * An aggregate as a number. SQL returns NULL for SUM over no rows, and PostgreSQL's driver returns COUNT and
 * SUM over integers (bigint, numeric) as strings.
 */
export function aggregateNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number(value);
  return 0;
}
