/**
 * Exact money arithmetic. Amounts travel as two-place decimal strings
 * ("19.99", as PostgreSQL's NUMERIC(12,2) returns them) and are computed in
 * integer cents, never floats: 3 × "19.99" is "59.97".
 */
import { MONEY } from '../rules.js';

/** The largest amount NUMERIC(12,2) can store, in cents. */
export const MAX_CENTS = 999_999_999_999;

/** "19.99" → 1999. Throws on anything that is not a non-negative amount with at most two decimals (the MONEY rule). */
export function toCents(amount: string): number {
  if (!MONEY.accepts(amount)) throw new RangeError(`not a money amount: ${amount}`);
  const [whole, fraction = ''] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** 1999 → "19.99". */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`not an amount in cents: ${cents}`);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
