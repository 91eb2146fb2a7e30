/**
 * Checkout: the whole cart becomes an order in one transaction, without
 * overselling under any concurrency, and safely retryable with an
 * Idempotency-Key.
 */
import { createHash } from 'node:crypto';
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { sequelize } from '../db.js';
import { ConflictError, ValidationError } from '../errors.js';
import { logger } from '../logger.js';
import { MAX_CENTS, formatCents, toCents } from '../lib/money.js';
import { key, redis } from '../redis.js';
import type { CheckoutRequest, OrderItemOut, OrderOut, StockShortage } from '../schemas/order.js';
import { invalidateCarts } from './cart-service.js';
import { invalidateStock } from './catalog-cache.js';
import { readOrder } from './order-service.js';
import { withRetry } from './transactions.js';

/** A checkout's answer: the order, and whether it is a replay of an earlier request with the same key. */
export interface CheckoutResult {
  order: OrderOut;
  replayed: boolean;
}

/** A cart line with its (locked) product. */
interface LineRow {
  product_id: number;
  quantity: number;
  name: string;
  price: string;
  stock: number;
  archived: boolean;
}

/** How long a checkout may hold its Idempotency-Key before another request may take it over. */
const IDEMPOTENCY_LOCK_MS = 30_000;

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
  const [row] = await sequelize.query<{ id: number; idempotency_fingerprint: string }>(
    'SELECT id, idempotency_fingerprint FROM orders WHERE user_id = $1 AND idempotency_key = $2',
    { bind: [userId, idempotencyKey], type: QueryTypes.SELECT },
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

/**
 * The checkout transaction itself, in three statements so that the
 * products stay locked as briefly as possible: lock, (check in memory),
 * write everything, and the commit.
 */
async function placeOrder(
  userId: number,
  input: CheckoutRequest,
  idempotency: { key: string; fingerprint: string } | undefined,
  transaction: Transaction,
): Promise<OrderOut> {
  // Locks the cart's rows and their products' rows, in product id order: two checkouts of one
  // cart run one after the other, and checkouts over the same products cannot deadlock.
  const lines = await sequelize.query<LineRow>(
    `SELECT c.product_id, c.quantity, p.name, p.price, p.stock, p.archived
       FROM carts c JOIN products p ON p.id = c.product_id
      WHERE c.user_id = $1
      ORDER BY c.product_id
        FOR UPDATE`,
    { bind: [userId], type: QueryTypes.SELECT, transaction },
  );
  if (lines.length === 0) {
    throw new ValidationError(
      [{ field: 'cart', message: 'is empty' }],
      'The cart is empty: add products before checking out.',
    );
  }
  const shortages: StockShortage[] = lines
    .map((line) => ({
      product_id: line.product_id,
      name: line.name,
      requested: line.quantity,
      available: line.archived ? 0 : line.stock,
    }))
    .filter((line) => line.available < line.requested);
  if (shortages.length > 0) {
    const names = shortages.map((s) => `${s.name} (${s.available} available, ${s.requested} wanted)`).join('; ');
    throw new ConflictError(`Not enough stock for: ${names}.`, { products: shortages });
  }

  const items: OrderItemOut[] = lines.map((line) => ({
    product_id: line.product_id,
    product_name: line.name,
    price: line.price,
    quantity: line.quantity,
    subtotal: formatCents(toCents(line.price) * line.quantity),
  }));
  const totalCents = items.reduce((sum, item) => sum + toCents(item.subtotal), 0);
  if (totalCents > MAX_CENTS) {
    throw new ValidationError([{ field: 'cart', message: 'total is larger than an order can hold' }]);
  }

  // One statement: take the stock, store the order and its lines, empty the cart.
  const [order] = await sequelize.query<Omit<OrderOut, 'items'>>(
    `WITH stock AS (
       UPDATE products p SET stock = p.stock - v.quantity, updated_at = now()
         FROM unnest($6::int[], $8::int[]) AS v(id, quantity) WHERE p.id = v.id),
     placed AS (
       INSERT INTO orders (user_id, total_amount, status, shipping_address, idempotency_key,
                           idempotency_fingerprint, created_at, updated_at)
       VALUES ($1, $2, 'pending', $3, $4, $5, now(), now())
       RETURNING id, status, total_amount, shipping_address, created_at, updated_at,
                 paid_at, shipped_at, completed_at, cancelled_at),
     lines AS (
       INSERT INTO order_items (order_id, product_id, product_name, quantity, price, subtotal)
       SELECT placed.id, v.product_id, v.product_name, v.quantity, v.price, v.subtotal
         FROM placed, unnest($6::int[], $7::text[], $8::int[], $9::numeric[], $10::numeric[])
           AS v(product_id, product_name, quantity, price, subtotal)),
     emptied AS (DELETE FROM carts WHERE user_id = $1)
     SELECT * FROM placed`,
    {
      bind: [
        userId,
        formatCents(totalCents),
        input.shipping_address,
        idempotency?.key ?? null,
        idempotency?.fingerprint ?? null,
        items.map((item) => item.product_id),
        items.map((item) => item.product_name),
        items.map((item) => item.quantity),
        items.map((item) => item.price),
        items.map((item) => item.subtotal),
      ],
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  return { ...order!, items }; // INSERT … RETURNING always returns the row
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
      throw new ConflictError('A request with this Idempotency-Key is still being processed. Retry shortly.');
    }
  }
  try {
    const order = await withRetry(() =>
      sequelize.transaction((transaction) => placeOrder(userId, input, idempotency, transaction)),
    );
    await invalidateCarts([userId]);
    await invalidateStock(order.items.map((item) => item.product_id));
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
