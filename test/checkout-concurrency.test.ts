/**
 * Many shoppers at once: checkouts never oversell, never deadlock into a 500,
 * and leave stock exact.
 */
import { describe, expect, it } from 'vitest';
import { Cart, Order, OrderItem, Product } from '../src/models/index.js';
import { useTestApp } from './support/context.js';
import { useServedCheckout } from './support/shop.js';
import { tokensFor } from './support/auth.js';
import { createCategory, createProduct, createUser } from './support/factories.js';

const ctx = useTestApp();
const checkout = useServedCheckout(ctx);

/** `count` shoppers with tokens; each cart gets `lines` (in that order). */
async function shoppers(count: number, lines: { productId: number; quantity: number }[][]) {
  const users = await Promise.all(Array.from({ length: count }, () => createUser()));
  for (const [index, user] of users.entries()) {
    for (const line of lines[index % lines.length]!) {
      await Cart.create({ user_id: user.id, product_id: line.productId, quantity: line.quantity });
    }
  }
  const tokens = await tokensFor(users.map((user) => user.username));
  return tokens.map((pair) => pair.access_token);
}

const statusCounts = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});

describe('concurrent checkouts', () => {
  it('50 shoppers for the last 5 units: exactly 5 × 201, 45 × 409, stock 0, no 5xx', async () => {
    const category = await createCategory();
    const last = await createProduct(category.id, { name: 'Limited Edition', price: '49.99', stock: 5 });
    const tokens = await shoppers(50, [[{ productId: last.id, quantity: 1 }]]);

    const answers = await Promise.all(tokens.map((token) => checkout(token)));

    expect(statusCounts(answers.map((res) => res.status))).toEqual({ 201: 5, 409: 45 });
    for (const res of answers.filter((r) => r.status === 409)) {
      expect(res.body.products).toEqual([{ product_id: last.id, name: 'Limited Edition', requested: 1, available: 0 }]);
    }
    expect((await Product.findByPk(last.id))!.stock).toBe(0);
    expect(await Order.count()).toBe(5);
    expect(await OrderItem.sum('quantity')).toBe(5);
    // The 45 who missed out keep their carts; the 5 buyers' carts are empty.
    expect(await Cart.count()).toBe(45);
  });

  it('carts holding the same products in opposite order never deadlock into a 500', async () => {
    const category = await createCategory();
    const a = await createProduct(category.id, { price: '1.00', stock: 1000 });
    const b = await createProduct(category.id, { price: '2.00', stock: 1000 });
    const rounds = 15;
    let orders = 0;
    for (let round = 0; round < rounds; round += 1) {
      // Half the carts were filled a-then-b, half b-then-a.
      const tokens = await shoppers(6, [
        [
          { productId: a.id, quantity: 1 },
          { productId: b.id, quantity: 2 },
        ],
        [
          { productId: b.id, quantity: 2 },
          { productId: a.id, quantity: 1 },
        ],
      ]);
      const answers = await Promise.all(tokens.map((token) => checkout(token)));
      expect(statusCounts(answers.map((res) => res.status))).toEqual({ 201: 6 });
      orders += 6;
    }
    expect((await Product.findByPk(a.id))!.stock).toBe(1000 - orders);
    expect((await Product.findByPk(b.id))!.stock).toBe(1000 - 2 * orders);
    expect(await Order.count()).toBe(orders);
  });

  it('two tabs checking out one cart at once place a single order', async () => {
    const category = await createCategory();
    const item = await createProduct(category.id, { price: '5.00', stock: 10 });
    const [token] = await shoppers(1, [[{ productId: item.id, quantity: 2 }]]);
    const answers = await Promise.all([checkout(token!), checkout(token!), checkout(token!)]);
    expect(statusCounts(answers.map((res) => res.status))).toEqual({ 201: 1, 422: 2 });
    expect(await Order.count()).toBe(1);
    expect((await Product.findByPk(item.id))!.stock).toBe(8);
  });
});
