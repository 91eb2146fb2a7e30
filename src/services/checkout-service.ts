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
import type { CheckoutRequest, OrderOut, StockShortage } from '../schemas/order.js';
import { invalidateCarts } from './cart-service.js';
import { invalidateStock } from './catalog-cache.js';
import { adjustProducts, readOrder } from './order-service.js';
import { withRetry } from './transactions.js';

/** A checkout's answer: the order, and whether it is a replay of an earlier request with the same key. */
export interface CheckoutResult {
  order: OrderOut;
  replayed: boolean;
}

interface CartLineRow {
  product_id: number;
  quantity: number;
}

interface ProductRow {
  id: number;
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

/** The checkout transaction itself. */
async function placeOrder(
  userId: number,
  input: CheckoutRequest,
  idempotency: { key: string; fingerprint: string } | undefined,
  transaction: Transaction,
): Promise<OrderOut> {
  // Lock the cart first: two checkouts of one cart (two tabs) run one after the other.
  const lines = await sequelize.query<CartLineRow>(
    'SELECT product_id, quantity FROM carts WHERE user_id = $1 ORDER BY product_id FOR UPDATE',
    { bind: [userId], type: QueryTypes.SELECT, transaction },
  );
  if (lines.length === 0) {
    throw new ValidationError(
      [{ field: 'cart', message: 'is empty' }],
      'The cart is empty: add products before checking out.',
    );
  }
  // Lock the products in id order, so concurrent checkouts over the same products cannot deadlock.
  const products = await sequelize.query<ProductRow>(
    'SELECT id, name, price, stock, archived FROM products WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE',
    { bind: [lines.map((line) => line.product_id)], type: QueryTypes.SELECT, transaction },
  );
  const byId = new Map(products.map((product) => [product.id, product]));
  const shortages: StockShortage[] = [];
  for (const line of lines) {
    const product = byId.get(line.product_id)!;
    const available = product.archived ? 0 : product.stock;
    if (available < line.quantity) {
      shortages.push({ product_id: product.id, name: product.name, requested: line.quantity, available });
    }
  }
  if (shortages.length > 0) {
    const names = shortages.map((s) => `${s.name} (${s.available} available, ${s.requested} wanted)`).join('; ');
    throw new ConflictError(`Not enough stock for: ${names}.`, { products: shortages });
  }

  let totalCents = 0;
  const items = lines.map((line) => {
    const product = byId.get(line.product_id)!;
    const subtotal = toCents(product.price) * line.quantity;
    totalCents += subtotal;
    return { product, quantity: line.quantity, subtotal };
  });
  if (totalCents > MAX_CENTS) {
    throw new ValidationError([{ field: 'cart', message: 'total is larger than an order can hold' }]);
  }

  await adjustProducts('stock', lines, -1, transaction);
  const [order] = await sequelize.query<{ id: number }>(
    `INSERT INTO orders (user_id, total_amount, status, shipping_address, idempotency_key, idempotency_fingerprint, created_at, updated_at)
     VALUES ($1, $2, 'pending', $3, $4, $5, now(), now()) RETURNING id`,
    {
      bind: [
        userId,
        formatCents(totalCents),
        input.shipping_address,
        idempotency?.key ?? null,
        idempotency?.fingerprint ?? null,
      ],
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  const orderId = order!.id; // INSERT … RETURNING always returns the row
  await sequelize.query(
    `INSERT INTO order_items (order_id, product_id, product_name, quantity, price, subtotal)
     SELECT $1, v.product_id, v.product_name, v.quantity, v.price, v.subtotal
       FROM unnest($2::int[], $3::text[], $4::int[], $5::numeric[], $6::numeric[])
         AS v(product_id, product_name, quantity, price, subtotal)`,
    {
      bind: [
        orderId,
        items.map((item) => item.product.id),
        items.map((item) => item.product.name),
        items.map((item) => item.quantity),
        items.map((item) => item.product.price),
        items.map((item) => formatCents(item.subtotal)),
      ],
      transaction,
    },
  );
  await sequelize.query('DELETE FROM carts WHERE user_id = $1', { bind: [userId], transaction });
  return (await readOrder(orderId, userId, transaction))!;
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
