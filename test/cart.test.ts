/** The cart API: lines and exact money, validation, stock, isolation between shoppers, and its Redis cache. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { config } from '../src/config.js';
import { Cart } from '../src/models/index.js';
import { redis } from '../src/redis.js';
import type { CartOut } from '../src/schemas/cart.js';
import { bearer, userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';
import { addToCart, checkout, checkoutRequest } from './support/shop.js';

const ctx = useTestApp();

/** The cart endpoints as one shopper. */
const cartApi = (token: string) => ({
  get: () => request(ctx.app).get('/api/v1/cart').set('Authorization', bearer(token)),
  add: (body: object) => request(ctx.app).post('/api/v1/cart/items').set('Authorization', bearer(token)).send(body),
  set: (productId: number | string, body: object) =>
    request(ctx.app).patch(`/api/v1/cart/items/${productId}`).set('Authorization', bearer(token)).send(body),
  remove: (productId: number | string) =>
    request(ctx.app).delete(`/api/v1/cart/items/${productId}`).set('Authorization', bearer(token)),
  clear: () => request(ctx.app).delete('/api/v1/cart').set('Authorization', bearer(token)),
});

/** A logged-in shopper and their cart client. */
async function shopper() {
  const { user, tokens } = await userWithTokens(ctx.app);
  return { id: user.id, token: tokens.access_token, cart: cartApi(tokens.access_token) };
}

/** A listed product (in a fresh category). */
async function product(fields: Parameters<typeof createProduct>[1] = {}) {
  return createProduct((await createCategory()).id, fields);
}

/** The user's rows in `carts` as {product_id: quantity}. */
async function rows(userId: number): Promise<Record<number, number>> {
  const lines = await Cart.findAll({ where: { user_id: userId } });
  return Object.fromEntries(lines.map((line) => [line.product_id, line.quantity]));
}

const cacheKey = (userId: number): string => `emporium:cache:cart:${userId}`;
const cached = async (userId: number): Promise<CartOut | null> =>
  JSON.parse((await redis.get(cacheKey(userId))) ?? 'null') as CartOut | null;

const EMPTY: CartOut = { items: [], total_quantity: 0, total_amount: '0.00' };

/** Asserts a problem+json response with this status and problem type. */
function expectProblem(res: request.Response, status: number, slug: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, type: `urn:emporium:problem:${slug}` });
}

/** Asserts a 422 naming `field` among its errors. */
function expectInvalid(res: request.Response, field: string): void {
  expectProblem(res, 422, 'validation-error');
  expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(field);
}

describe('GET /api/v1/cart', () => {
  it('returns an empty cart for a new shopper', async () => {
    const a = await shopper();
    const res = await a.cart.get().expect(200);
    expect(res.body).toEqual(EMPTY);
    expect(await rows(a.id)).toEqual({});
  });

  it('answers 401 without a token or with a garbage one, on every endpoint, writing nothing', async () => {
    const a = await shopper();
    const p = await product();
    await addToCart(ctx.app, a.token, p.id, 2);
    for (const token of [undefined, 'garbage']) {
      const auth = (req: request.Test) => (token ? req.set('Authorization', bearer(token)) : req);
      expectProblem(await auth(request(ctx.app).get('/api/v1/cart')), 401, 'unauthorized');
      const add = await auth(request(ctx.app).post('/api/v1/cart/items')).send({ product_id: p.id, quantity: 1 });
      expectProblem(add, 401, 'unauthorized');
      expectProblem(
        await auth(request(ctx.app).patch(`/api/v1/cart/items/${p.id}`)).send({ quantity: 5 }),
        401,
        'unauthorized',
      );
      expectProblem(await auth(request(ctx.app).delete(`/api/v1/cart/items/${p.id}`)), 401, 'unauthorized');
      expectProblem(await auth(request(ctx.app).delete('/api/v1/cart')), 401, 'unauthorized');
    }
    expect(await Cart.count()).toBe(1);
    expect(await rows(a.id)).toEqual({ [p.id]: 2 });
  });
});

describe('POST /api/v1/cart/items', () => {
  it('adds a line and answers 201 with the whole cart', async () => {
    const a = await shopper();
    const p = await product({ name: 'Teapot', price: '19.99', stock: 7 });
    const res = await a.cart.add({ product_id: p.id, quantity: 3 }).expect(201);
    expect(res.body).toEqual({
      items: [{ product_id: p.id, name: 'Teapot', price: '19.99', quantity: 3, subtotal: '59.97', stock: 7 }],
      total_quantity: 3,
      total_amount: '59.97',
    });
    expect(await rows(a.id)).toEqual({ [p.id]: 3 });
  });

  it('adds to the existing line when the product is added again (one row, quantities summed)', async () => {
    const a = await shopper();
    const p = await product({ price: '2.50' });
    await a.cart.add({ product_id: p.id, quantity: 2 }).expect(201);
    const res = await a.cart.add({ product_id: p.id, quantity: 3 }).expect(201);
    expect(res.body).toMatchObject({
      items: [{ product_id: p.id, quantity: 5, subtotal: '12.50' }],
      total_quantity: 5,
    });
    expect(res.body.total_amount).toBe('12.50');
    expect(await Cart.count({ where: { user_id: a.id } })).toBe(1);
    expect(await rows(a.id)).toEqual({ [p.id]: 5 });
  });

  it('totals several lines in exact cents', async () => {
    const a = await shopper();
    const dime = await product({ price: '0.10' });
    const twenty = await product({ price: '0.20' });
    await a.cart.add({ product_id: dime.id, quantity: 1 }).expect(201);
    const res = await a.cart.add({ product_id: twenty.id, quantity: 1 }).expect(201);
    expect((res.body as CartOut).items.map((line) => [line.product_id, line.subtotal])).toEqual([
      [dime.id, '0.10'],
      [twenty.id, '0.20'],
    ]);
    expect(res.body).toMatchObject({ total_quantity: 2, total_amount: '0.30' });
    expect(await rows(a.id)).toEqual({ [dime.id]: 1, [twenty.id]: 1 });
  });

  it('refuses a bad quantity with 422 on `quantity`, writing nothing', async () => {
    const a = await shopper();
    const p = await product({ stock: 5000 });
    for (const quantity of [0, -1, 1.5, '2', 1000, undefined]) {
      expectInvalid(await a.cart.add({ product_id: p.id, quantity }), 'quantity');
    }
    expect(await rows(a.id)).toEqual({});
    // The bounds themselves are fine (999 is the schema's bound; the shop's own limit is lower, see below).
    await a.cart.add({ product_id: p.id, quantity: 1 }).expect(201);
    await a.cart.set(p.id, { quantity: config.orders.maxUnitsPerLine }).expect(200);
    expect(await rows(a.id)).toEqual({ [p.id]: config.orders.maxUnitsPerLine });
  });

  it('refuses unknown body fields with 422, writing nothing', async () => {
    const a = await shopper();
    const p = await product();
    const res = await a.cart.add({ product_id: p.id, quantity: 1, price: '0.01' });
    expectInvalid(res, 'price');
    expect(await rows(a.id)).toEqual({});
  });

  it('answers 404 for an unknown or archived product and 422 for an invalid id', async () => {
    const a = await shopper();
    const archived = await product({ archived: true });
    expectProblem(await a.cart.add({ product_id: 999_999, quantity: 1 }), 404, 'not-found');
    expectProblem(await a.cart.add({ product_id: archived.id, quantity: 1 }), 404, 'not-found');
    expectInvalid(await a.cart.add({ product_id: 'abc', quantity: 1 }), 'product_id');
    expectInvalid(await a.cart.add({ product_id: 0, quantity: 1 }), 'product_id');
    expect(await Cart.count()).toBe(0);
  });

  it('answers 409 beyond stock, also when the increase would exceed it, leaving the row unchanged', async () => {
    const a = await shopper();
    const p = await product({ stock: 5 });
    const over = await a.cart.add({ product_id: p.id, quantity: 6 });
    expectProblem(over, 409, 'insufficient-stock');
    expect(over.body).toMatchObject({ product_id: p.id, available: 5 });
    expect(await rows(a.id)).toEqual({});

    await a.cart.add({ product_id: p.id, quantity: 3 }).expect(201);
    expectProblem(await a.cart.add({ product_id: p.id, quantity: 3 }), 409, 'insufficient-stock');
    expect(await rows(a.id)).toEqual({ [p.id]: 3 });
    expect((await a.cart.get().expect(200)).body).toMatchObject({ total_quantity: 3 });
    // Exactly the stock is allowed.
    await a.cart.add({ product_id: p.id, quantity: 2 }).expect(201);
    expect(await rows(a.id)).toEqual({ [p.id]: 5 });
  });
});

describe('PATCH /api/v1/cart/items/{product_id}', () => {
  it("sets a line's quantity and answers 200 with the whole cart", async () => {
    const a = await shopper();
    const p = await product({ price: '19.99' });
    await addToCart(ctx.app, a.token, p.id, 1);
    const res = await a.cart.set(p.id, { quantity: 4 }).expect(200);
    expect(res.body).toMatchObject({ items: [{ product_id: p.id, quantity: 4, subtotal: '79.96' }] });
    expect(res.body).toMatchObject({ total_quantity: 4, total_amount: '79.96' });
    expect(await rows(a.id)).toEqual({ [p.id]: 4 });
  });

  it('answers 404 for a product not in the cart, 422 for a bad quantity, 409 beyond stock', async () => {
    const a = await shopper();
    const inCart = await product({ stock: 5 });
    const elsewhere = await product();
    await addToCart(ctx.app, a.token, inCart.id, 2);
    expectProblem(await a.cart.set(elsewhere.id, { quantity: 1 }), 404, 'not-found');
    expectProblem(await a.cart.set(999_999, { quantity: 1 }), 404, 'not-found');
    expectInvalid(await a.cart.set(inCart.id, { quantity: 0 }), 'quantity');
    expectInvalid(await a.cart.set(inCart.id, {}), 'quantity');
    expectInvalid(await a.cart.set('abc', { quantity: 1 }), 'product_id');
    const over = await a.cart.set(inCart.id, { quantity: 6 });
    expectProblem(over, 409, 'insufficient-stock');
    expect(over.body).toMatchObject({ product_id: inCart.id, available: 5 });
    expect(await rows(a.id)).toEqual({ [inCart.id]: 2 });
  });

  it('answers 404 for a product not in the cart even when the quantity exceeds its stock', async () => {
    const a = await shopper();
    const elsewhere = await product({ stock: 5 });
    expectProblem(await a.cart.set(elsewhere.id, { quantity: 6 }), 404, 'not-found');
    expect(await rows(a.id)).toEqual({});
  });
});

describe('DELETE /api/v1/cart/items/{product_id} and /api/v1/cart', () => {
  it('removes one line (204), and answers 404 when the product is not in the cart', async () => {
    const a = await shopper();
    const [p, q] = [await product(), await product()];
    await addToCart(ctx.app, a.token, p.id, 1);
    await addToCart(ctx.app, a.token, q.id, 2);
    const res = await a.cart.remove(p.id).expect(204);
    expect(res.text).toBe('');
    expect(await rows(a.id)).toEqual({ [q.id]: 2 });
    expectProblem(await a.cart.remove(p.id), 404, 'not-found');
    expect(await rows(a.id)).toEqual({ [q.id]: 2 });
  });

  it("empties the caller's cart (204) and leaves other carts alone", async () => {
    const [a, b] = [await shopper(), await shopper()];
    const [p, q] = [await product(), await product()];
    await addToCart(ctx.app, a.token, p.id, 1);
    await addToCart(ctx.app, a.token, q.id, 1);
    await addToCart(ctx.app, b.token, p.id, 3);
    await a.cart.clear().expect(204);
    expect(await rows(a.id)).toEqual({});
    expect(await rows(b.id)).toEqual({ [p.id]: 3 });
    expect((await a.cart.get().expect(200)).body).toEqual(EMPTY);
    // Emptying an empty cart is fine too.
    await a.cart.clear().expect(204);
  });
});

describe('isolation between shoppers', () => {
  it("never shows or changes another shopper's lines", async () => {
    const [a, b] = [await shopper(), await shopper()];
    const [p, q] = [await product(), await product()];
    await addToCart(ctx.app, a.token, p.id, 2);
    expect((await b.cart.get().expect(200)).body).toEqual(EMPTY);
    expectProblem(await b.cart.set(p.id, { quantity: 5 }), 404, 'not-found');
    expectProblem(await b.cart.remove(p.id), 404, 'not-found');
    await b.cart.clear().expect(204);
    // B's own line of the same product is B's row only.
    await b.cart.add({ product_id: p.id, quantity: 1 }).expect(201);
    await b.cart.add({ product_id: q.id, quantity: 1 }).expect(201);
    expect(await rows(a.id)).toEqual({ [p.id]: 2 });
    expect(await rows(b.id)).toEqual({ [p.id]: 1, [q.id]: 1 });
    const mine = await a.cart.get().expect(200);
    expect(mine.body).toMatchObject({ items: [{ product_id: p.id, quantity: 2 }], total_quantity: 2 });
  });
});

describe('the Redis cache of the cart', () => {
  it('keeps the cart JSON at emporium:cache:cart:<userId> after a GET', async () => {
    const a = await shopper();
    const p = await product();
    await addToCart(ctx.app, a.token, p.id, 2);
    await redis.del(cacheKey(a.id));
    const res = await a.cart.get().expect(200);
    expect(await cached(a.id)).toEqual(res.body);
    expect(await redis.ttl(cacheKey(a.id))).toBeGreaterThan(0);
  });

  it('is never stale after a write: each next GET is fresh and equals the cached JSON', async () => {
    const a = await shopper();
    const [p, q] = [await product({ price: '1.25' }), await product({ price: '3.00' })];
    /** GET (caching the cart first, so a missing invalidation would show), write, GET again. */
    const afterWrite = async (write: () => Promise<unknown>, lines: Record<number, number>, total: string) => {
      await a.cart.get().expect(200);
      await write();
      const res = await a.cart.get().expect(200);
      const body = res.body as CartOut;
      expect(Object.fromEntries(body.items.map((line) => [line.product_id, line.quantity]))).toEqual(lines);
      expect(body.total_amount).toBe(total);
      expect(await rows(a.id)).toEqual(lines);
      expect(await cached(a.id)).toEqual(body);
    };
    await afterWrite(() => a.cart.add({ product_id: p.id, quantity: 2 }).expect(201), { [p.id]: 2 }, '2.50');
    await afterWrite(() => a.cart.add({ product_id: p.id, quantity: 1 }).expect(201), { [p.id]: 3 }, '3.75');
    await afterWrite(() => a.cart.add({ product_id: q.id, quantity: 1 }).expect(201), { [p.id]: 3, [q.id]: 1 }, '6.75');
    await afterWrite(() => a.cart.set(q.id, { quantity: 4 }).expect(200), { [p.id]: 3, [q.id]: 4 }, '15.75');
    await afterWrite(() => a.cart.remove(p.id).expect(204), { [q.id]: 4 }, '12.00');
    await afterWrite(() => a.cart.clear().expect(204), {}, '0.00');
  });

  it('is empty after a checkout, in GET and in the database', async () => {
    const a = await shopper();
    const p = await product({ stock: 5 });
    await addToCart(ctx.app, a.token, p.id, 2);
    expect((await a.cart.get().expect(200)).body).toMatchObject({ total_quantity: 2 });
    const order = await checkout(ctx.app, a.token);
    expect(order.items).toHaveLength(1);
    expect((await a.cart.get().expect(200)).body).toEqual(EMPTY);
    expect(await rows(a.id)).toEqual({});
    expect(await cached(a.id)).toEqual(EMPTY);
    // A second checkout finds nothing to buy.
    expect((await checkoutRequest(ctx.app, a.token)).status).toBe(422);
  });

  it('is really read: a row changed behind its back shows only once the key is gone', async () => {
    const a = await shopper();
    const p = await product({ price: '10.00' });
    await addToCart(ctx.app, a.token, p.id, 2);
    await a.cart.get().expect(200);
    await Cart.update({ quantity: 5 }, { where: { user_id: a.id, product_id: p.id } });
    const stale = await a.cart.get().expect(200);
    expect(stale.body).toMatchObject({ items: [{ quantity: 2 }], total_quantity: 2, total_amount: '20.00' });
    await redis.del(cacheKey(a.id));
    const fresh = await a.cart.get().expect(200);
    expect(fresh.body).toMatchObject({ items: [{ quantity: 5 }], total_quantity: 5, total_amount: '50.00' });
    expect(await rows(a.id)).toEqual({ [p.id]: 5 });
  });
});
