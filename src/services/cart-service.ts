/**
 * The shopper's cart: rows in `carts`, read through a Redis cache that every
 * cart write (and checkout) deletes, so a shopper never sees their own cart
 * out of date. Quantities are checked against live stock on every write.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import { config } from '../config.js';
import { sequelize } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { formatCents, toCents } from '../lib/money.js';
import { getOrLoad, invalidate } from '../cache.js';
import { key } from '../redis.js';
import type { CartOut } from '../schemas/cart.js';

/** The most units of one product a cart line may hold. */
export const MAX_LINE_QUANTITY = 999;

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

function assertInStock(productId: number, quantity: number, stock: number): void {
  if (quantity > MAX_LINE_QUANTITY) {
    throw new ValidationError([{ field: 'quantity', message: `a cart line holds at most ${MAX_LINE_QUANTITY}` }]);
  }
  if (quantity > stock) {
    throw new ConflictError(`Only ${stock} of product ${productId} in stock; the cart would hold ${quantity}.`, {
      product_id: productId,
      available: stock,
    });
  }
}

/** Writes a cart line in a transaction, then drops the cached cart and returns the fresh one. */
async function writeCart(userId: number, write: (transaction: Transaction) => Promise<void>): Promise<CartOut> {
  await sequelize.transaction(write);
  await invalidateCarts([userId]);
  return getCart(userId);
}

/** Adds `quantity` of a product to the cart (a new line, or more of an existing one). 409 beyond stock. */
export function addToCart(userId: number, productId: number, quantity: number): Promise<CartOut> {
  return writeCart(userId, async (transaction) => {
    const stock = await listedStock(productId, transaction);
    const [line] = await sequelize.query<{ quantity: number }>(
      `INSERT INTO carts (user_id, product_id, quantity, created_at, updated_at)
       VALUES ($1, $2, $3, now(), now())
       ON CONFLICT (user_id, product_id)
       DO UPDATE SET quantity = carts.quantity + EXCLUDED.quantity, updated_at = now()
       RETURNING quantity`,
      { bind: [userId, productId, quantity], transaction, type: QueryTypes.SELECT },
    );
    assertInStock(productId, line!.quantity, stock); // INSERT … RETURNING always returns the row
  });
}

/** Sets the quantity of a line already in the cart. 404 when the product is not in the cart; 409 beyond stock. */
export function setCartQuantity(userId: number, productId: number, quantity: number): Promise<CartOut> {
  return writeCart(userId, async (transaction) => {
    const [, updated] = await sequelize.query(
      'UPDATE carts SET quantity = $3, updated_at = now() WHERE user_id = $1 AND product_id = $2',
      { bind: [userId, productId, quantity], transaction, type: QueryTypes.UPDATE },
    );
    if (updated === 0) throw new NotFoundError(`Product ${productId} is not in the cart.`);
    // A refusal below rolls the update back.
    assertInStock(productId, quantity, await listedStock(productId, transaction));
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
