/**
 * What one shopper may hold (config `orders`): units per line, units per
 * cart (and so per order), and unpaid orders at once. Without them one
 * account can take a whole catalogue's stock into unpaid orders and turn
 * honest buyers away. Cart writes check the units at once, so the shopper
 * learns early; checkout checks all three again under the row locks (see
 * checkout-service.ts), which is what holds under concurrency.
 */
import { config } from '../config.js';
import { LimitReachedError } from '../errors.js';

const { maxPending, maxUnitsPerLine, maxUnitsPerOrder } = config.orders;

/** The limits as SQL literals for the checkout statements (validated integers from config). */
export const LIMITS_SQL = { maxPending, maxUnitsPerLine, maxUnitsPerOrder } as const;

/** 422 when one line would hold more units of its product than a shopper may buy at once. */
export function assertLineUnits(productId: number, quantity: number): void {
  if (quantity <= maxUnitsPerLine) return;
  throw new LimitReachedError(
    422,
    { name: 'max_units_per_line', max: maxUnitsPerLine },
    `At most ${maxUnitsPerLine} units of one product per order; the cart would hold ${quantity} of product ${productId}.`,
  );
}

/** 422 when the cart would hold more units in all than one order may. */
export function assertCartUnits(units: number): void {
  if (units <= maxUnitsPerOrder) return;
  throw new LimitReachedError(
    422,
    { name: 'max_units_per_order', max: maxUnitsPerOrder },
    `At most ${maxUnitsPerOrder} units per order; the cart would hold ${units}.`,
  );
}

/** 409 when the shopper already holds as many unpaid orders as allowed. */
export function assertPendingOrders(pending: number): void {
  if (pending < maxPending) return;
  throw new LimitReachedError(
    409,
    { name: 'max_pending_orders', max: maxPending },
    `You already have ${pending} unpaid orders, the most a shopper may hold at once. Pay or cancel one to check out again.`,
  );
}

/** Every unit limit for a cart about to become an order: each line, then the whole. */
export function assertOrderUnits(lines: readonly { product_id: number; quantity: number }[]): void {
  for (const line of lines) assertLineUnits(line.product_id, line.quantity);
  assertCartUnits(lines.reduce((units, line) => units + line.quantity, 0));
}
