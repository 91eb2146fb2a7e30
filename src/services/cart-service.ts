/**
 * The shopper's cart: rows in `carts`, read through a Redis cache that every
 * cart write (and checkout) deletes, so a shopper never sees their own cart
 * out of date. Quantities are checked against live stock on every write.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import { config } from '../config.js';
import { sequelize } from '../db.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { formatCents, toCents } from '../lib/money.js';
import { getOrLoad, invalidate } from '../cache.js';
import { key } from '../redis.js';
import type { CartOut } from '../schemas/cart.js';
import { assertCartUnits, assertLineUnits } from './order-limits.js';

/** Cache key of a user's cart view. */
export const cartKey = (userId: number): string => key('cache', 'cart', userId);

/** Drops cached carts (after a write, a checkout, or a product change that shows in them). */
export async function invalidateCarts(userIds: number[]): Promise<void> {
  await invalidate(...userIds.map(cartKey));
}

/** Drops the cached carts of everyone holding these products (after their name, price or availability changed). */
export async function invalidateCartsHolding(productIds: number[]): Promise<void> {
  if (productIds.length === 0) return;
  const holders = await sequelize.query<{ user_id: number }>(
    'SELECT DISTINCT user_id FROM carts WHERE product_id = ANY($1::int[])',
    { bind: [productIds], type: QueryTypes.SELECT },
  );
  await invalidateCarts(holders.map((row) => row.user_id));
}

/** A cart line as a write left it, with the units of the whole cart. */
interface WrittenLine {
  quantity: number;
  cart_units: number;
}

/** The cart's units once the written line (RETURNING `quantity`) is counted: the other lines as they were, plus it. */
const CART_UNITS = `SELECT line.quantity, line.quantity + coalesce(
           (SELECT sum(quantity) FROM carts WHERE user_id = $1 AND product_id <> $2), 0)::int AS cart_units
      FROM line`;

interface LineRow {
  product_id: number;
  name: string;
  price: string;
  quantity: number;
  stock: number;
}

async function loadCart(userId: number): Promise<CartOut> {
  const rows = await sequelize.query<LineRow>(
    `SELECT c.product_id, p.name, p.price, c.quantity, p.stock
       FROM carts c JOIN products p ON p.id = c.product_id
      WHERE c.user_id = $1
      ORDER BY c.created_at, c.id`,
    { bind: [userId], type: QueryTypes.SELECT },
  );
  let totalCents = 0;
  let totalQuantity = 0;
  const items = rows.map((row) => {
    const subtotal = toCents(row.price) * row.quantity;
    totalCents += subtotal;
    totalQuantity += row.quantity;
    return { ...row, subtotal: formatCents(subtotal) };
  });
  return { items, total_quantity: totalQuantity, total_amount: formatCents(totalCents) };
}

/** The user's cart, from the cache when it is there. */
export function getCart(userId: number): Promise<CartOut> {
  return getOrLoad(cartKey(userId), { name: 'cart', ttlSeconds: config.cache.listTtlSeconds }, () => loadCart(userId));
}

/**
 * A listed product's stock; 404 when unknown or archived. Not locked: the
 * cart's stock check is advice to the shopper, checkout is the authority.
 */
async function listedStock(productId: number, transaction: Transaction): Promise<number> {
  const [product] = await sequelize.query<{ stock: number }>(
    'SELECT stock FROM products WHERE id = $1 AND NOT archived',
    { bind: [productId], type: QueryTypes.SELECT, transaction },
  );
  if (!product) throw new NotFoundError(`Product ${productId} does not exist.`);
  return product.stock;
}

/**
 * The line as written is within stock (409; checked first, as it is what a
 * shopper most often runs into) and within the shop's unit limits (422,
 * order-limits.ts): the line itself, and the cart's units in all.
 */
function assertLineFits(productId: number, line: WrittenLine, stock: number): void {
  if (line.quantity > stock) {
    throw new ConflictError(`Only ${stock} of product ${productId} in stock; the cart would hold ${line.quantity}.`, {
      product_id: productId,
      available: stock,
    });
  }
  assertLineUnits(productId, line.quantity);
  assertCartUnits(line.cart_units);
}

/** Writes a cart line in a transaction, then drops the cached cart and returns the fresh one. */
async function writeCart(userId: number, write: (transaction: Transaction) => Promise<void>): Promise<CartOut> {
  await sequelize.transaction(write);
  await invalidateCarts([userId]);
  return getCart(userId);
}

/**
 * Adds `quantity` of a product to the cart (a new line, or more of an
 * existing one). 409 beyond stock, 422 beyond the unit limits.
 */
export function addToCart(userId: number, productId: number, quantity: number): Promise<CartOut> {
  return writeCart(userId, async (transaction) => {
    const stock = await listedStock(productId, transaction);
    const [line] = await sequelize.query<WrittenLine>(
      `WITH line AS (
         INSERT INTO carts (user_id, product_id, quantity, created_at, updated_at)
         VALUES ($1, $2, $3, now(), now())
         ON CONFLICT (user_id, product_id)
         DO UPDATE SET quantity = carts.quantity + EXCLUDED.quantity, updated_at = now()
         RETURNING quantity)
       ${CART_UNITS}`,
      { bind: [userId, productId, quantity], transaction, type: QueryTypes.SELECT },
    );
    // A refusal below rolls the write back. (INSERT … RETURNING always returns the row.)
    assertLineFits(productId, line!, stock);
  });
}

/**
 * Sets the quantity of a line already in the cart. 404 when the product is
 * not in the cart; 409 beyond stock, 422 beyond the unit limits.
 */
export function setCartQuantity(userId: number, productId: number, quantity: number): Promise<CartOut> {
  return writeCart(userId, async (transaction) => {
    const [line] = await sequelize.query<WrittenLine>(
      `WITH line AS (
         UPDATE carts SET quantity = $3, updated_at = now() WHERE user_id = $1 AND product_id = $2
         RETURNING quantity)
       ${CART_UNITS}`,
      { bind: [userId, productId, quantity], transaction, type: QueryTypes.SELECT },
    );
    if (!line) throw new NotFoundError(`Product ${productId} is not in the cart.`);
    // A refusal below rolls the update back.
    assertLineFits(productId, line, await listedStock(productId, transaction));
  });
}

/** Removes a line. 404 when the product is not in the cart. */
export async function removeFromCart(userId: number, productId: number): Promise<void> {
  const removed = await sequelize.query('DELETE FROM carts WHERE user_id = $1 AND product_id = $2', {
    bind: [userId, productId],
    type: QueryTypes.BULKDELETE,
  });
  await invalidateCarts([userId]);
  if (removed === 0) throw new NotFoundError(`Product ${productId} is not in the cart.`);
}

/** Empties the cart. */
export async function clearCart(userId: number): Promise<void> {
  await sequelize.query('DELETE FROM carts WHERE user_id = $1', { bind: [userId] });
  await invalidateCarts([userId]);
}
