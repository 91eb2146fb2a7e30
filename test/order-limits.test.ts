/**
 * One account cannot hoard the catalogue: at most MAX_PENDING_ORDERS unpaid
 * orders at once (409), MAX_UNITS_PER_LINE units of a product and
 * MAX_UNITS_PER_ORDER units in a cart or order (422), each problem naming
 * its limit; checkout holds them under any concurrency.
 */
import { type RequestListener, type Server, createServer } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../src/config.js';
import { sequelize } from '../src/db.js';
import { Cart, Order, Product } from '../src/models/index.js';
import { bearer, userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';
import { addToCart, checkout, checkoutRequest, orderAction } from './support/shop.js';
import { oneRow } from './support/sql.js';

const ctx = useTestApp();
const { maxPending, maxUnitsPerLine, maxUnitsPerOrder } = config.orders;

const products = async (count: number, stock = 1_000) => {
  const category = await createCategory();
  return Promise.all(Array.from({ length: count }, () => createProduct(category.id, { stock, price: '10.00' })));
};
const add = (app: RequestListener | Server, token: string, productId: number, quantity: number) =>
  request(app).post('/api/v1/cart/items').set('Authorization', bearer(token)).send({ product_id: productId, quantity });

/** Asserts a limit-reached problem naming `name`. */
function expectLimit(res: request.Response, status: 409 | 422, name: string, max: number): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: 'urn:emporium:problem:limit-reached', status, limit: { name, max } });
}

const unitsInStock = async (ids: number[]) =>
  Number((await oneRow<{ n: string }>('SELECT sum(stock) AS n FROM products WHERE id = ANY($1)', [ids])).n);

describe('unpaid orders per shopper', () => {
  it(`refuses checkout number ${maxPending + 1} with 409 naming the limit, changing nothing`, async () => {
    const [item] = await products(1);
    const { user, tokens } = await userWithTokens(ctx.app);
    const placed = [];
    for (let n = 0; n < maxPending; n += 1) {
      await addToCart(ctx.app, tokens.access_token, item!.id, 1);
      placed.push(await checkout(ctx.app, tokens.access_token));
    }
    await addToCart(ctx.app, tokens.access_token, item!.id, 2);
    const refused = await checkoutRequest(ctx.app, tokens.access_token);
    expectLimit(refused, 409, 'max_pending_orders', maxPending);
    expect(await Order.count({ where: { user_id: user.id } })).toBe(maxPending);
    expect(await Cart.count({ where: { user_id: user.id } })).toBe(1);
    expect((await Product.findByPk(item!.id))!.stock).toBe(1_000 - maxPending);

    // Paying one frees a place; so does cancelling one.
    await orderAction(ctx.app, tokens.access_token, placed[0]!.id, 'pay').expect(200);
    await checkout(ctx.app, tokens.access_token);
    await addToCart(ctx.app, tokens.access_token, item!.id, 1);
    expectLimit(await checkoutRequest(ctx.app, tokens.access_token), 409, 'max_pending_orders', maxPending);
    await orderAction(ctx.app, tokens.access_token, placed[1]!.id, 'cancel').expect(200);
    await checkout(ctx.app, tokens.access_token);
    expect(await Order.count({ where: { user_id: user.id, status: 'pending' } })).toBe(maxPending);
  });

  describe('under concurrency', () => {
    let server: Server;
    beforeAll(() => {
      server = createServer(ctx.app).listen(0);
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('counts an unpaid order that committed while this checkout waited for the cart (no stale count)', async () => {
      const [first, second] = await products(2);
      const { user, tokens } = await userWithTokens(ctx.app);
      for (let n = 1; n < maxPending; n += 1) {
        await addToCart(ctx.app, tokens.access_token, first!.id, 1);
        await checkout(ctx.app, tokens.access_token);
      }
      await addToCart(ctx.app, tokens.access_token, first!.id, 1);
      // Another checkout of this shopper is running: it holds the cart's rows and places the last allowed order.
      const running = await sequelize.transaction();
      await sequelize.query('SELECT 1 FROM carts WHERE user_id = $1 FOR UPDATE', {
        bind: [user.id],
        transaction: running,
      });
      await sequelize.query(
        `INSERT INTO orders (user_id, total_amount, status, shipping_address, expires_at)
         VALUES ($1, 10.00, 'pending', '1 Other Tab', now() + interval '30 minutes')`,
        { bind: [user.id], transaction: running },
      );
      await sequelize.query('DELETE FROM carts WHERE user_id = $1', { bind: [user.id], transaction: running });
      // Meanwhile the shopper adds something else and checks out again: this checkout waits for the cart.
      await add(server, tokens.access_token, second!.id, 1).expect(201);
      const waiting = request(server)
        .post('/api/v1/orders')
        .set('Authorization', bearer(tokens.access_token))
        .send({ shipping_address: '1 This Tab' })
        .then((res) => res);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await running.commit();
      expectLimit(await waiting, 409, 'max_pending_orders', maxPending);
      expect(await Order.count({ where: { user_id: user.id, status: 'pending' } })).toBe(maxPending);
      expect((await Product.findByPk(second!.id))!.stock).toBe(1_000);
    });

    it('never lets one shopper past the limit, however the checkouts and cart adds interleave', async () => {
      const items = await products(24, 500);
      const { user, tokens } = await userWithTokens(ctx.app);
      const before = await unitsInStock(items.map((item) => item.id));
      // The hoarding script: every product's worth in parallel, each add followed by a checkout.
      const outcomes = await Promise.all(
        items.map(async (item) => {
          await add(server, tokens.access_token, item.id, maxUnitsPerLine);
          const placed = await request(server)
            .post('/api/v1/orders')
            .set('Authorization', bearer(tokens.access_token))
            .send({ shipping_address: '1 Hoarder Lane' });
          return placed.status;
        }),
      );
      const pending = await Order.count({ where: { user_id: user.id, status: 'pending' } });
      expect(pending).toBeLessThanOrEqual(maxPending);
      expect(outcomes.filter((status) => status === 201)).toHaveLength(pending);
      expect(outcomes.every((status) => [201, 409, 422].includes(status))).toBe(true);
      const counted = await oneRow<{ pending_orders: number }>('SELECT pending_orders FROM users WHERE id = $1', [
        user.id,
      ]);
      expect(counted.pending_orders).toBe(pending);
      // Stock held by the hoarder is bounded by the limits, and stock is exact.
      const { units } = await oneRow<{ units: string }>(
        `SELECT coalesce(sum(i.quantity), 0) AS units FROM order_items i JOIN orders o ON o.id = i.order_id
          WHERE o.user_id = $1`,
        [user.id],
      );
      expect(Number(units)).toBeLessThanOrEqual(maxPending * maxUnitsPerOrder);
      expect(before - (await unitsInStock(items.map((item) => item.id)))).toBe(Number(units));
    });
  });
});

describe('units per line and per order', () => {
  it('refuses a cart line above MAX_UNITS_PER_LINE with 422 naming the limit, leaving the line as it was', async () => {
    const [item] = await products(1);
    const { user, tokens } = await userWithTokens(ctx.app);
    expectLimit(
      await add(ctx.app, tokens.access_token, item!.id, maxUnitsPerLine + 1),
      422,
      'max_units_per_line',
      maxUnitsPerLine,
    );
    expect(await Cart.count({ where: { user_id: user.id } })).toBe(0);
    await add(ctx.app, tokens.access_token, item!.id, maxUnitsPerLine).expect(201);
    expectLimit(await add(ctx.app, tokens.access_token, item!.id, 1), 422, 'max_units_per_line', maxUnitsPerLine);
    const set = await request(ctx.app)
      .patch(`/api/v1/cart/items/${item!.id}`)
      .set('Authorization', bearer(tokens.access_token))
      .send({ quantity: maxUnitsPerLine + 1 });
    expectLimit(set, 422, 'max_units_per_line', maxUnitsPerLine);
    expect((await Cart.findOne({ where: { user_id: user.id } }))!.quantity).toBe(maxUnitsPerLine);
  });

  it('refuses a cart above MAX_UNITS_PER_ORDER in all with 422 naming the limit', async () => {
    const lines = Math.ceil(maxUnitsPerOrder / maxUnitsPerLine) + 1;
    const items = await products(lines);
    const { user, tokens } = await userWithTokens(ctx.app);
    let held = 0;
    for (const item of items) {
      const quantity = Math.min(maxUnitsPerLine, maxUnitsPerOrder - held);
      if (quantity === 0) {
        expectLimit(await add(ctx.app, tokens.access_token, item.id, 1), 422, 'max_units_per_order', maxUnitsPerOrder);
        continue;
      }
      await add(ctx.app, tokens.access_token, item.id, quantity).expect(201);
      held += quantity;
    }
    const units = await Cart.sum('quantity', { where: { user_id: user.id } });
    expect(units).toBe(maxUnitsPerOrder);
  });

  it('checks the units again at checkout (a cart filled past the limits some other way), changing nothing', async () => {
    const [a, b] = await products(2);
    const { user, tokens } = await userWithTokens(ctx.app);
    // As concurrent cart writes could leave it, or a limit lowered since.
    await sequelize.query('INSERT INTO carts (user_id, product_id, quantity) VALUES ($1, $2, $3)', {
      bind: [user.id, a!.id, maxUnitsPerLine + 1],
    });
    expectLimit(await checkoutRequest(ctx.app, tokens.access_token), 422, 'max_units_per_line', maxUnitsPerLine);
    await sequelize.query('UPDATE carts SET quantity = $2 WHERE user_id = $1', { bind: [user.id, maxUnitsPerLine] });
    const lines = Math.floor(maxUnitsPerOrder / maxUnitsPerLine);
    const extra = await products(lines);
    for (const item of [b!, ...extra].slice(0, lines)) {
      await sequelize.query('INSERT INTO carts (user_id, product_id, quantity) VALUES ($1, $2, $3)', {
        bind: [user.id, item.id, maxUnitsPerLine],
      });
    }
    expectLimit(await checkoutRequest(ctx.app, tokens.access_token), 422, 'max_units_per_order', maxUnitsPerOrder);
    expect(await Order.count()).toBe(0);
    expect((await Product.findByPk(a!.id))!.stock).toBe(1_000);
  });
});
