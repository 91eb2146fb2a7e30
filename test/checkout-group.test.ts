/**
 * Group checkouts (GROUP_CHECKOUT in src/services/checkout-service.ts): the
 * checkouts admitted in one event-loop round are placed by one statement,
 * all or nothing; when the group cannot be placed as a whole, each checkout
 * runs on its own and gets its own answer. Checkouts started in the same
 * tick here share their rounds, as a crowd's requests do.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.js';
import { Cart, Order, OrderItem, Product } from '../src/models/index.js';
import { type CheckoutResult, checkout } from '../src/services/checkout-service.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct, createUser } from './support/factories.js';

useTestApp();

const ADDRESS = { shipping_address: '1 Group Street' };

/** `count` shoppers, each holding the given lines in their cart. */
async function shoppers(count: number, lines: { productId: number; quantity: number }[]): Promise<number[]> {
  const users = await Promise.all(Array.from({ length: count }, () => createUser()));
  for (const user of users) {
    for (const line of lines)
      await Cart.create({ user_id: user.id, product_id: line.productId, quantity: line.quantity });
  }
  return users.map((user) => user.id);
}

/** Checks every shopper out at the same moment; each one's result or error status. */
const checkoutAll = (userIds: number[], key?: (userId: number) => string) =>
  Promise.all(
    userIds.map((userId) =>
      checkout(userId, ADDRESS, key?.(userId)).then(
        (result): CheckoutResult | number => result,
        (error: unknown) => {
          if (error instanceof AppError) return error.status;
          throw error;
        },
      ),
    ),
  );

const stockOf = async (id: number) => (await Product.findByPk(id))!.stock;

describe('group checkouts', () => {
  it('places a crowd admitted together in shared statements: exact stock, totals, lines and emptied carts', async () => {
    const category = await createCategory();
    const kite = await createProduct(category.id, { name: 'Kite', price: '12.50', stock: 20 });
    const string = await createProduct(category.id, { name: 'String', price: '0.99', stock: 40 });
    const users = await shoppers(8, [
      { productId: string.id, quantity: 3 },
      { productId: kite.id, quantity: 2 },
    ]);

    const results = await checkoutAll(users);

    for (const [i, result] of results.entries()) {
      expect(typeof result).toBe('object');
      const { order, replayed } = result as CheckoutResult;
      expect(replayed).toBe(false);
      expect(order).toMatchObject({ status: 'pending', total_amount: '27.97', shipping_address: '1 Group Street' });
      expect(order).not.toHaveProperty('user_id');
      expect(order.items).toEqual([
        { product_id: kite.id, product_name: 'Kite', price: '12.50', quantity: 2, subtotal: '25.00' },
        { product_id: string.id, product_name: 'String', price: '0.99', quantity: 3, subtotal: '2.97' },
      ]);
      const stored = await Order.findByPk(order.id);
      expect(stored!.user_id).toBe(users[i]);
    }
    expect(await stockOf(kite.id)).toBe(20 - 16);
    expect(await stockOf(string.id)).toBe(40 - 24);
    expect(await Cart.count()).toBe(0);
    expect(await OrderItem.count()).toBe(16);
    // Those admitted in one event-loop round share a statement and a transaction (its time):
    // fewer transactions than orders. (Their cart checks return in a round or a few.)
    const placedAt = new Set((await Order.findAll()).map((order) => order.created_at.getTime()));
    expect(placedAt.size).toBeLessThan(8);
  });

  it('falls back to one by one when a member cannot be placed: the others are placed, that one is refused', async () => {
    const category = await createCategory();
    const kite = await createProduct(category.id, { name: 'Kite', price: '12.50', stock: 20 });
    const yacht = await createProduct(category.id, { name: 'Yacht', price: '9999999999.99', stock: 5 });
    const buyers = await shoppers(4, [{ productId: kite.id, quantity: 1 }]);
    const [dreamer] = await shoppers(1, [{ productId: yacht.id, quantity: 2 }]);

    const results = await checkoutAll([...buyers, dreamer!]);

    expect(results.slice(0, 4).every((result) => typeof result === 'object')).toBe(true);
    expect(results[4]).toBe(422);
    expect(await stockOf(kite.id)).toBe(16);
    expect(await stockOf(yacht.id)).toBe(5);
    expect(await Order.count()).toBe(4);
    expect(await Cart.count({ where: { user_id: dreamer! } })).toBe(1);
  });

  it('stays exact when the stock changes while a group is being placed', async () => {
    const category = await createCategory();
    const last = await createProduct(category.id, { name: 'Last', price: '5.00', stock: 5 });
    // Two units each: the gate admits two shoppers (4 units), the third waits and is refused.
    const users = await shoppers(3, [{ productId: last.id, quantity: 2 }]);
    // Meanwhile the shop sells 2 elsewhere: the group (4 of 3) cannot be placed as a whole.
    const results = checkoutAll(users);
    await Product.update({ stock: 3 }, { where: { id: last.id } });
    const settled = await results;

    const placed = settled.filter((result) => typeof result === 'object').length;
    expect(placed).toBeGreaterThanOrEqual(1);
    expect(placed).toBeLessThanOrEqual(2);
    expect(settled.filter((result) => result === 409)).toHaveLength(3 - placed);
    const stock = await stockOf(last.id);
    expect(stock).toBeGreaterThanOrEqual(0);
    expect(await OrderItem.sum('quantity')).toBe(placed * 2);
  });

  it('places a group with Idempotency-Keys, and replays each order for its own key', async () => {
    const category = await createCategory();
    const kite = await createProduct(category.id, { name: 'Kite', price: '12.50', stock: 20 });
    const users = await shoppers(5, [{ productId: kite.id, quantity: 1 }]);
    const keyOf = (userId: number) => `group-key-${userId}`;

    const first = (await checkoutAll(users, keyOf)) as CheckoutResult[];
    const again = (await checkoutAll(users, keyOf)) as CheckoutResult[];

    expect(first.map((result) => result.replayed)).toEqual([false, false, false, false, false]);
    expect(again.map((result) => result.replayed)).toEqual([true, true, true, true, true]);
    expect(again.map((result) => result.order.id)).toEqual(first.map((result) => result.order.id));
    expect(await Order.count()).toBe(5);
    expect(await stockOf(kite.id)).toBe(15);
  });

  it('places one order per shopper when the same shopper checks out twice in the group', async () => {
    const category = await createCategory();
    const kite = await createProduct(category.id, { name: 'Kite', price: '12.50', stock: 20 });
    const [twice, other] = await shoppers(2, [{ productId: kite.id, quantity: 1 }]);

    const results = await checkoutAll([twice!, twice!, other!]);

    expect(results.filter((result) => typeof result === 'object')).toHaveLength(2);
    expect(results.filter((result) => result === 422)).toHaveLength(1);
    expect(await Order.count({ where: { user_id: twice! } })).toBe(1);
    expect(await Order.count({ where: { user_id: other! } })).toBe(1);
    expect(await stockOf(kite.id)).toBe(18);
  });

  it('names each short line once when the same shopper checks out twice in one round', async () => {
    const category = await createCategory();
    const kite = await createProduct(category.id, { name: 'Kite', price: '12.50', stock: 1 });
    const [twice] = await shoppers(1, [{ productId: kite.id, quantity: 3 }]);

    const errors = await Promise.all(
      [checkout(twice!, ADDRESS), checkout(twice!, ADDRESS)].map((p) => p.catch((e: unknown) => e)),
    );

    for (const error of errors) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(409);
      expect((error as AppError).extensions).toEqual({
        products: [{ product_id: kite.id, name: 'Kite', requested: 3, available: 1 }],
      });
    }
    expect(await Order.count()).toBe(0);
    expect(await stockOf(kite.id)).toBe(1);
  });
});
