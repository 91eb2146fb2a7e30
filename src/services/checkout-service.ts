/**
 * Checkout: the whole cart becomes an order in one transaction, without
 * overselling under any concurrency, and safely retryable with an
 * Idempotency-Key.
 */
import { createHash } from 'node:crypto';
import { UniqueConstraintError } from 'sequelize';
import { prepared, queryRows } from '../db.js';
import { roundBatch } from '../lib/round-batch.js';
import { IdempotencyKeyInUseError, OutOfStockError, ValidationError } from '../errors.js';
import { logger } from '../logger.js';
import { MAX_CENTS, formatCents } from '../lib/money.js';
import { config } from '../config.js';
import { key, redis } from '../redis.js';
import type { CheckoutRequest, OrderItemOut, OrderOut, StockShortage } from '../schemas/order.js';
import { invalidateCarts } from './cart-service.js';
import { invalidateStock } from './catalog-cache.js';
import { LIMITS_SQL, assertOrderUnits, assertPendingOrders } from './order-limits.js';
import { GATE_MAX_WAIT_MS, settled, tryAdmit, withSettledStock } from './stock-gate.js';
import { readOrder } from './order-service.js';
import { withRetry } from './transactions.js';

/** A checkout's answer: the order, and whether it is a replay of an earlier request with the same key. */
export interface CheckoutResult {
  order: OrderOut;
  replayed: boolean;
}

/** How long a checkout may hold its Idempotency-Key before another request may take it over. */
const IDEMPOTENCY_LOCK_MS = 30_000;

/** A checkout's Idempotency-Key and the fingerprint of the request it was first used with. */
type Idempotency = { key: string; fingerprint: string };

const fingerprintOf = (input: CheckoutRequest): string =>
  createHash('sha256')
    .update(JSON.stringify({ shipping_address: input.shipping_address }))
    .digest('hex');

/**
 * The order placed earlier with this key: returned as a replay when the
 * request is the same, 422 when the key is reused for a different request.
 */
async function previousOrder(
  userId: number,
  idempotencyKey: string,
  fingerprint: string,
): Promise<OrderOut | undefined> {
  const [row] = await queryRows<{ id: number; idempotency_fingerprint: string }>(
    'SELECT id, idempotency_fingerprint FROM orders WHERE user_id = $1 AND idempotency_key = $2',
    [userId, idempotencyKey],
  );
  if (!row) return undefined;
  if (row.idempotency_fingerprint !== fingerprint) {
    throw new ValidationError(
      [{ field: 'Idempotency-Key', message: 'was already used for a different request' }],
      'This Idempotency-Key was already used with a different request body.',
    );
  }
  return readOrder(row.id, userId);
}

/** The largest total an order's NUMERIC(12,2) column holds. */
const MAX_TOTAL = formatCents(MAX_CENTS);

const { maxPending, maxUnitsPerLine, maxUnitsPerOrder } = LIMITS_SQL;

/** The payment deadline a new order gets (PENDING_ORDER_TTL_MINUTES from now). */
const EXPIRES_AT = `now() + interval '${config.orders.pendingTtlMinutes} minutes'`;

/** What both checkout statements insert into `orders`, and return of a placed order. */
const INSERT_ORDER = `INSERT INTO orders (user_id, total_amount, status, shipping_address, idempotency_key,
                      idempotency_fingerprint, expires_at, created_at, updated_at)`;
const PLACED_COLUMNS = `id, status, total_amount, shipping_address, created_at, updated_at,
            paid_at, shipped_at, completed_at, cancelled_at, expires_at, cancel_reason`;

/**
 * The whole checkout as ONE statement, so the products are locked only while
 * PostgreSQL runs it (never while a round trip waits on this process):
 *
 * - `cart` locks the cart's rows and their products' rows, in product id
 *   order (two checkouts of one cart run one after the other; checkouts over
 *   the same products cannot deadlock) and, having waited for a lock, sees
 *   the latest stock;
 * - `shopper` then locks the shopper's row and reads how many unpaid orders
 *   they hold (users.pending_orders, kept by a trigger): under the lock this
 *   is the latest count, so concurrent checkouts of one shopper can never
 *   exceed MAX_PENDING_ORDERS. It joins the cart's count so that it is locked
 *   after the products, as every other writer does (order-service.ts);
 * - only if every line is available, the cart is not empty and within the
 *   unit limits, and the shopper may hold one more unpaid order do the other
 *   parts run: take the stock, store the order with its exact NUMERIC total
 *   and its payment deadline, snapshot names and prices into its lines,
 *   empty the cart.
 *
 * The CHECK (stock >= 0) stays as the last line of defence.
 */
const CHECKOUT = prepared(
  'checkout',
  `
WITH cart AS (
  SELECT c.product_id, c.quantity, p.name, p.price, p.stock, p.archived
    FROM carts c JOIN products p ON p.id = c.product_id
   WHERE c.user_id = $1
   ORDER BY c.product_id
     FOR UPDATE
),
shopper AS (
  SELECT u.pending_orders
    FROM users u, (SELECT count(*) FROM cart) AS locked
   WHERE u.id = $1
     FOR UPDATE OF u
),
verdict AS (
  SELECT count(*) > 0 AND bool_and(NOT archived AND stock >= quantity)
           AND sum(price * quantity) <= ${MAX_TOTAL}
           AND max(quantity) <= ${maxUnitsPerLine} AND sum(quantity) <= ${maxUnitsPerOrder}
           AND (SELECT pending_orders FROM shopper) < ${maxPending} AS go,
         sum(price * quantity) AS total
    FROM cart
),
stock AS (
  UPDATE products p SET stock = p.stock - cart.quantity, updated_at = now()
    FROM cart, verdict WHERE verdict.go AND p.id = cart.product_id
),
placed AS (
  ${INSERT_ORDER}
  SELECT $1, verdict.total, 'pending', $2, $3, $4, ${EXPIRES_AT}, now(), now() FROM verdict WHERE verdict.go
  RETURNING ${PLACED_COLUMNS}
),
lines AS (
  INSERT INTO order_items (order_id, product_id, product_name, quantity, price, subtotal)
  SELECT placed.id, cart.product_id, cart.name, cart.quantity, cart.price, cart.price * cart.quantity
    FROM placed, cart
),
emptied AS (
  DELETE FROM carts WHERE user_id = $1 AND EXISTS (SELECT 1 FROM placed)
)
SELECT (SELECT coalesce(json_agg(json_build_object(
          'product_id', product_id, 'name', name, 'quantity', quantity, 'price', price::text,
          'subtotal', (price * quantity)::text,
          'available', CASE WHEN archived THEN 0 ELSE stock END) ORDER BY product_id), '[]') FROM cart) AS lines,
       (SELECT total > ${MAX_TOTAL} FROM verdict) AS too_large,
       (SELECT pending_orders FROM shopper) AS pending_orders,
       placed.*
  FROM (SELECT 1) AS one LEFT JOIN placed ON true`,
);

/**
 * The checkout statement for several carts at once: the checkouts the stock
 * gate admitted in one event-loop round (a sale's crowd, typically) take the
 * product rows' locks once and commit once, instead of one after the other
 * on the same locks (each waiting for the previous one's commit). All or
 * nothing: when every cart is non-empty, every product has the stock the
 * whole group wants, no total is too large and no shopper is in it twice,
 * every order is placed (each shopper's row locked after the products, as
 * in CHECKOUT, and each within the limits of order-limits.ts); otherwise
 * nothing is, no row comes back, and each
 * checkout runs the one-cart statement on its own (which finds and reports
 * its own problem). $1 user ids, $2 addresses, $3 Idempotency-Keys, $4
 * fingerprints: one entry per checkout.
 */
const GROUP_CHECKOUT = prepared(
  'checkout_group',
  `
WITH input AS (
  SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])
             AS i(user_id, shipping_address, idempotency_key, idempotency_fingerprint)
),
cart AS (
  SELECT c.user_id, c.product_id, c.quantity, p.name, p.price, p.stock, p.archived
    FROM carts c JOIN products p ON p.id = c.product_id
   WHERE c.user_id = ANY($1::int[])
   ORDER BY c.product_id, c.user_id
     FOR UPDATE
),
holder AS (
  SELECT u.id AS user_id, u.pending_orders
    FROM users u, (SELECT count(*) FROM cart) AS locked
   WHERE u.id = ANY($1::int[])
   ORDER BY u.id
     FOR UPDATE OF u
),
shopper AS (
  SELECT i.user_id, count(cart.product_id) AS lines, sum(cart.price * cart.quantity) AS total,
         coalesce(max(cart.quantity), 0) AS most, coalesce(sum(cart.quantity), 0) AS units
    FROM input i LEFT JOIN cart ON cart.user_id = i.user_id
   GROUP BY i.user_id
),
demand AS (
  SELECT product_id, sum(quantity) AS wanted, min(stock) AS stock, bool_or(archived) AS archived
    FROM cart GROUP BY product_id
),
verdict AS (
  SELECT (SELECT count(*) FROM shopper) = cardinality($1::int[])
         AND (SELECT bool_and(lines > 0 AND total <= ${MAX_TOTAL}
                              AND most <= ${maxUnitsPerLine} AND units <= ${maxUnitsPerOrder}) FROM shopper)
         AND (SELECT count(*) FROM holder WHERE pending_orders < ${maxPending}) = cardinality($1::int[])
         AND (SELECT coalesce(bool_and(NOT archived AND stock >= wanted), false) FROM demand) AS go
),
stock AS (
  UPDATE products p SET stock = p.stock - demand.wanted, updated_at = now()
    FROM demand, verdict WHERE verdict.go AND p.id = demand.product_id
),
placed AS (
  ${INSERT_ORDER}
  SELECT i.user_id, shopper.total, 'pending', i.shipping_address, i.idempotency_key,
         i.idempotency_fingerprint, ${EXPIRES_AT}, now(), now()
    FROM input i JOIN shopper USING (user_id), verdict WHERE verdict.go
  RETURNING user_id, ${PLACED_COLUMNS}
),
lines AS (
  INSERT INTO order_items (order_id, product_id, product_name, quantity, price, subtotal)
  SELECT placed.id, cart.product_id, cart.name, cart.quantity, cart.price, cart.price * cart.quantity
    FROM placed JOIN cart USING (user_id)
),
emptied AS (
  DELETE FROM carts WHERE user_id = ANY($1::int[]) AND EXISTS (SELECT 1 FROM placed)
)
SELECT (SELECT json_agg(json_build_object(
          'product_id', cart.product_id, 'name', cart.name, 'quantity', cart.quantity, 'price', cart.price::text,
          'subtotal', (cart.price * cart.quantity)::text, 'available', cart.stock,
          'stock_after', cart.stock - demand.wanted) ORDER BY cart.product_id)
          FROM cart JOIN demand USING (product_id) WHERE cart.user_id = placed.user_id) AS lines,
       false AS too_large,
       0 AS pending_orders,
       placed.*
  FROM placed`,
);

/** A cart line as the checkout statement saw it (locked, latest stock). */
interface CheckedLine {
  product_id: number;
  name: string;
  quantity: number;
  price: string;
  subtotal: string;
  available: number;
  /** The product's stock after the statement, when it ran for a group (see GROUP_CHECKOUT). */
  stock_after?: number;
}

/**
 * The cart as it stands, without locking anything: when a line is already
 * short, the checkout is refused here, so a crowd that arrives after the last
 * unit is gone never queues for the products' row locks (nor, with the
 * stock gate, a crowd that arrives while the last units are being sold).
 *
 * Written so that its plan does not depend on statistics: each shopper's cart
 * is read by the (user_id, product_id) index and each line's product by its
 * key (`OFFSET 0` keeps the lateral subquery from being merged into one big
 * join). As a plain `carts JOIN products WHERE user_id = ANY($1)`, a carts
 * table without fresh statistics (autovacuum off, or just after a bulk
 * change) made PostgreSQL hash the whole products table: 10 ms per check at
 * 20,000 products, 40 ms at 100,000, instead of under 1 ms for 200 carts
 * (test/checkout-plan.test.ts).
 */
export const PRECHECK = prepared(
  'checkout_precheck',
  `
SELECT u.user_id, line.product_id, line.quantity, line.name, line.available
  FROM unnest($1::int[]) AS u(user_id)
 CROSS JOIN LATERAL (
       SELECT c.product_id, c.quantity, p.name, CASE WHEN p.archived THEN 0 ELSE p.stock END AS available
         FROM carts c JOIN products p ON p.id = c.product_id
        WHERE c.user_id = u.user_id
       OFFSET 0) AS line
 ORDER BY u.user_id, line.product_id`,
);

/** The cart of `userId` as it stands (PRECHECK), without locking anything. */
const precheck = roundBatch(async (userIds: number[]): Promise<SeenLine[][]> => {
  const rows = await queryRows<SeenLine & { user_id: number }>(PRECHECK, [[...new Set(userIds)]]);
  const carts = new Map<number, SeenLine[]>(userIds.map((id) => [id, []]));
  for (const { user_id, ...line } of rows) carts.get(user_id)!.push(line);
  return userIds.map((id) => carts.get(id)!);
});

function refuse(lines: readonly SeenLine[]): never {
  if (lines.length === 0) {
    throw new ValidationError(
      [{ field: 'cart', message: 'is empty' }],
      'The cart is empty: add products before checking out.',
    );
  }
  const shortages: StockShortage[] = lines
    .filter((line) => line.available < line.quantity)
    .map((line) => ({
      product_id: line.product_id,
      name: line.name,
      requested: line.quantity,
      available: line.available,
    }));
  const names = shortages.map((s) => `${s.name} (${s.available} available, ${s.requested} wanted)`).join('; ');
  throw new OutOfStockError(shortages, `Not enough stock for: ${names}.`);
}

/**
 * Looks at the cart and its stock (no locks; where checkouts of a product
 * settled meanwhile, the stock they left counts): refuses at once when the
 * cart is empty or a line is short, waits (stock-gate.ts) while checkouts
 * running in this process have claimed the units this one needs, then runs
 * the checkout statement (with the others admitted in the same round).
 */
async function placeOrder(
  userId: number,
  input: CheckoutRequest,
  idempotency: Idempotency | undefined,
): Promise<OrderOut> {
  if (!config.fastPaths['stock-gate']) {
    // Switched off (FAST_PATHS_OFF=stock-gate): look, then let PostgreSQL's row locks decide.
    const seen = await precheck(userId);
    if (seen.length === 0 || seen.some((line) => line.available < line.quantity)) refuse(seen);
    const outcome = await runAdmitted({ userId, input, idempotency });
    if ('error' in outcome) throw outcome.error;
    return orderFrom(outcome.row);
  }
  const deadline = Date.now() + GATE_MAX_WAIT_MS;
  for (;;) {
    const lookedAt = performance.now();
    const seen = withSettledStock(await precheck(userId), lookedAt);
    if (seen.length === 0 || seen.some((line) => line.available < line.quantity)) refuse(seen);
    const release = tryAdmit(seen) ?? (Date.now() >= deadline ? () => undefined : undefined);
    if (!release) {
      // What the checkouts ahead saw under the row lock is as fresh as another look.
      const known = await settled(seen);
      const now = seen.map((line) => ({ ...line, available: known.get(line.product_id) ?? line.available }));
      if (now.some((line) => known.has(line.product_id) && line.available < line.quantity)) refuse(now);
      continue;
    }
    let result: CheckoutRow | undefined;
    try {
      const outcome = await runAdmitted({ userId, input, idempotency });
      if ('error' in outcome) throw outcome.error;
      result = outcome.row;
    } finally {
      release(result && stockAfter(result));
    }
    return orderFrom(result);
  }
}

/** A cart line as the precheck sees it. */
type SeenLine = Pick<CheckedLine, 'product_id' | 'name' | 'quantity' | 'available'>;

/** The checkout statement's one row: the checked lines, and the order's columns (null when nothing was placed). */
type CheckoutRow = { lines: CheckedLine[]; too_large: boolean | null; pending_orders: number | null } & Partial<
  Omit<OrderOut, 'items'>
>;

/** Runs the checkout statement. */
async function runCheckout(
  userId: number,
  input: CheckoutRequest,
  idempotency: Idempotency | undefined,
): Promise<CheckoutRow> {
  const [row] = await queryRows<CheckoutRow>(CHECKOUT, [
    userId,
    input.shipping_address,
    idempotency?.key ?? null,
    idempotency?.fingerprint ?? null,
  ]);
  return row ?? { lines: [], too_large: null, pending_orders: null };
}

/** A checkout the stock gate admitted. */
interface Admitted {
  userId: number;
  input: CheckoutRequest;
  idempotency: Idempotency | undefined;
}

/** What running an admitted checkout came to: its statement's row, or the error it raised. */
type Outcome = { row: CheckoutRow } | { error: unknown };

/** Runs GROUP_CHECKOUT; its rows by user id, none when the group could not be placed as a whole. */
async function runGroup(checkouts: readonly Admitted[]): Promise<Map<number, CheckoutRow>> {
  const rows = await queryRows<CheckoutRow & { user_id: number }>(GROUP_CHECKOUT, [
    checkouts.map((checkout) => checkout.userId),
    checkouts.map((checkout) => checkout.input.shipping_address),
    checkouts.map((checkout) => checkout.idempotency?.key ?? null),
    checkouts.map((checkout) => checkout.idempotency?.fingerprint ?? null),
  ]);
  return new Map(rows.map(({ user_id, ...row }) => [user_id, row]));
}

/**
 * Runs the checkouts admitted in one event-loop round: as one group
 * statement when there are several and the group can be placed as a whole,
 * otherwise (or when the group statement fails, e.g. on a taken
 * Idempotency-Key) each on its own, with its own outcome.
 */
const runAdmitted = roundBatch(async (checkouts: Admitted[]): Promise<Outcome[]> => {
  if (checkouts.length > 1) {
    const placed = await runGroup(checkouts).catch((error: unknown) => {
      logger.debug({ err: error }, 'group checkout failed; placing the orders one by one');
      return new Map<number, CheckoutRow>();
    });
    const rows = checkouts.map((checkout) => placed.get(checkout.userId));
    if (rows.every((row) => row !== undefined)) return rows.map((row) => ({ row }));
  }
  return Promise.all(
    checkouts.map((checkout) =>
      runCheckout(checkout.userId, checkout.input, checkout.idempotency).then(
        (row): Outcome => ({ row }),
        (error: unknown): Outcome => ({ error }),
      ),
    ),
  );
});

/** Each product's stock once the statement was done with it (it saw the latest stock under the row lock). */
const stockAfter = (row: CheckoutRow): Map<number, number> =>
  new Map(
    row.lines.map((line) => [line.product_id, line.stock_after ?? line.available - (row.id ? line.quantity : 0)]),
  );

/**
 * The placed order, or why nothing was placed, in this order: an empty cart
 * (422), too many unpaid orders (409), too many units (422), a total too
 * large for an order (422), or a line short of stock (409).
 */
function orderFrom(row: CheckoutRow): OrderOut {
  const { lines, too_large: tooLarge, pending_orders: pending, ...order } = row;
  if (!order.id) {
    // Nothing placed: the cart emptied meanwhile (another tab), a limit, or a line fell short (another shopper).
    if (lines.length > 0) {
      assertPendingOrders(pending ?? 0);
      assertOrderUnits(lines);
    }
    if (tooLarge) {
      throw new ValidationError(
        [{ field: 'cart', message: 'total is larger than an order can hold' }],
        'The cart total is larger than an order can hold (9,999,999,999.99).',
      );
    }
    refuse(lines);
  }
  const items: OrderItemOut[] = lines.map((line) => ({
    product_id: line.product_id,
    product_name: line.name,
    price: line.price,
    quantity: line.quantity,
    subtotal: line.subtotal,
  }));
  return { ...(order as Omit<OrderOut, 'items'>), items };
}

/** Takes the key for this request in Redis; false when another request holds it. Redis down: proceed (the database still guarantees one order). */
async function claimKey(lockKey: string, token: string): Promise<boolean> {
  try {
    return (await redis.set(lockKey, token, 'PX', IDEMPOTENCY_LOCK_MS, 'NX')) === 'OK';
  } catch {
    return true;
  }
}

async function releaseKey(lockKey: string, token: string): Promise<void> {
  await redis
    .eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      1,
      lockKey,
      token,
    )
    .catch(() => undefined);
}

/**
 * Checks out the user's whole cart: locks the cart and its products, checks
 * and decrements every line's stock (409 naming the products that fall
 * short, and then nothing changes), snapshots names and prices into the
 * order lines, computes the total in exact cents, stores the order and
 * empties the cart — all in one transaction, retried on deadlock or
 * serialization failure.
 *
 * With an Idempotency-Key: the same key and body return the first order
 * (`replayed`); a different body is 422; a request while the first is still
 * running is 409. The unique (user_id, idempotency_key) keeps this true even
 * without Redis.
 */
export async function checkout(
  userId: number,
  input: CheckoutRequest,
  idempotencyKey?: string,
): Promise<CheckoutResult> {
  const idempotency = idempotencyKey ? { key: idempotencyKey, fingerprint: fingerprintOf(input) } : undefined;
  const lockKey = idempotency && key('idempotency', userId, createHash('sha256').update(idempotency.key).digest('hex'));
  const token = `${process.pid}:${Math.random()}`;

  if (idempotency) {
    const earlier = await previousOrder(userId, idempotency.key, idempotency.fingerprint);
    if (earlier) return { order: earlier, replayed: true };
    if (!(await claimKey(lockKey!, token))) {
      throw new IdempotencyKeyInUseError();
    }
  }
  try {
    const order = await withRetry(() => placeOrder(userId, input, idempotency));
    await Promise.all([invalidateCarts([userId]), invalidateStock(order.items.map((item) => item.product_id))]);
    return { order, replayed: false };
  } catch (error) {
    // Lost a race with the same key (e.g. Redis was down): the other request's order is the answer.
    if (idempotency && error instanceof UniqueConstraintError) {
      logger.info({ user_id: userId }, 'concurrent checkout with the same Idempotency-Key');
      const earlier = await previousOrder(userId, idempotency.key, idempotency.fingerprint);
      if (earlier) return { order: earlier, replayed: true };
    }
    throw error;
  } finally {
    if (lockKey) await releaseKey(lockKey, token);
  }
}
