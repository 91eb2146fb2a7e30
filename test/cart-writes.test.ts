/**
 * How a cart write talks to PostgreSQL: one statement that writes the line
 * only if it fits (listed product, stock, unit limits) and one read of the
 * cart, and what happens when another request changes the same line at the
 * same moment (the write is checked on the line's newest version, and the
 * refusal still names the right reason). The answers themselves are
 * cart.test.ts's and order-limits.test.ts's.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { sequelize } from '../src/db.js';
import { InsufficientStockError, NotFoundError } from '../src/errors.js';
import { Cart } from '../src/models/index.js';
import { addToCart, setCartQuantity } from '../src/services/cart-service.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct, createUser } from './support/factories.js';

useTestApp();

/** The SQL texts this process sends to PostgreSQL while `work` runs (every pooled connection is a pg.Client). */
async function sentDuring(work: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = prototype.query;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const [first] = args;
    sent.push(typeof first === 'string' ? first : String((first as { text?: string }).text));
    return query.apply(this, args);
  };
  try {
    await work();
  } finally {
    prototype.query = query;
  }
  return sent;
}

/** A shopper and a listed product with `stock`. */
async function shopperAndProduct(stock = 5) {
  const user = await createUser();
  const product = await createProduct((await createCategory()).id, { stock });
  return { userId: user.id, productId: product.id };
}

const lineOf = async (userId: number, productId: number) =>
  (await Cart.findOne({ where: { user_id: userId, product_id: productId } }))?.quantity;

/** Starts `write` while another transaction holds the line, then commits that transaction after `change`. */
async function whileAnotherRequestChanges(change: string, bind: unknown[], write: () => Promise<unknown>) {
  const other = await sequelize.transaction();
  await sequelize.query(change, { bind, transaction: other });
  const settled = write().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  // The write now waits for the other transaction's row; let it wait a moment before the commit.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await other.commit();
  return settled;
}

describe('cart writes', () => {
  it('add and set are two statements each: the checked write, then the read of the cart', async () => {
    const { userId, productId } = await shopperAndProduct();
    const add = await sentDuring(() => addToCart(userId, productId, 2));
    expect(add).toHaveLength(2);
    expect(add[0]).toMatch(/INSERT INTO carts/);
    expect(add[1]).toMatch(/FROM carts c JOIN products p/);
    const set = await sentDuring(() => setCartQuantity(userId, productId, 3));
    expect(set).toHaveLength(2);
    expect(set[0]).toMatch(/UPDATE carts SET quantity/);
    // A refusal is one statement: nothing was written, so there is nothing to read back.
    expect(await sentDuring(() => addToCart(userId, productId, 3).catch(() => undefined))).toHaveLength(1);
    expect(await lineOf(userId, productId)).toBe(3);
  });

  it('checks an add against the line as another request just left it (409 naming the stock)', async () => {
    const { userId, productId } = await shopperAndProduct(5);
    // Another tab of this shopper puts 3 in the cart; this add of 3 more starts before that commits.
    const outcome = await whileAnotherRequestChanges(
      `INSERT INTO carts (user_id, product_id, quantity) VALUES ($1, $2, 3)`,
      [userId, productId],
      () => addToCart(userId, productId, 3),
    );
    expect('error' in outcome && outcome.error).toBeInstanceOf(InsufficientStockError);
    expect((outcome as { error: InsufficientStockError }).error.extensions).toEqual({
      product_id: productId,
      available: 5,
    });
    expect(await lineOf(userId, productId)).toBe(3);
  });

  it('answers 404 to a set of a line another request removed meanwhile', async () => {
    const { userId, productId } = await shopperAndProduct(5);
    await addToCart(userId, productId, 1);
    const outcome = await whileAnotherRequestChanges(
      'DELETE FROM carts WHERE user_id = $1 AND product_id = $2',
      [userId, productId],
      () => setCartQuantity(userId, productId, 2),
    );
    expect('error' in outcome && outcome.error).toBeInstanceOf(NotFoundError);
    expect((outcome as { error: Error }).error.message).toBe(`Product ${productId} is not in the cart.`);
    expect(await lineOf(userId, productId)).toBeUndefined();
  });
});
