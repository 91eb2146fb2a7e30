/** POST /api/v1/orders: one transaction from cart to order, exact money, nothing changed on failure, Idempotency-Key. */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Cart, Order, OrderItem, Product } from '../src/models/index.js';
import { redis } from '../src/redis.js';
import { useTestApp } from './support/context.js';
import { bearer, userWithTokens } from './support/auth.js';
import { createCategory, createProduct } from './support/factories.js';
import { addToCart, checkoutRequest } from './support/shop.js';

const ctx = useTestApp();

async function shop() {
  const category = await createCategory();
  const kite = await createProduct(category.id, { name: 'Red Kite', price: '19.99', stock: 10 });
  const ball = await createProduct(category.id, { name: 'Blue Ball', price: '0.10', stock: 3 });
  const { user, tokens } = await userWithTokens(ctx.app);
  return { kite, ball, user, token: tokens.access_token };
}

const stockOf = async (id: number) => (await Product.findByPk(id))!.stock;

describe('checkout', () => {
  it('turns the cart into an order: stock taken, prices snapshotted, exact total, cart emptied', async () => {
    const { kite, ball, user, token } = await shop();
    await addToCart(ctx.app, token, kite.id, 3);
    await addToCart(ctx.app, token, ball.id, 1);

    const res = await checkoutRequest(ctx.app, token).expect(201);
    expect(res.body).toMatchObject({
      id: expect.any(Number),
      status: 'pending',
      total_amount: '60.07',
      shipping_address: '1 Main Street, Springfield',
      paid_at: null,
      items: [
        { product_id: kite.id, product_name: 'Red Kite', price: '19.99', quantity: 3, subtotal: '59.97' },
        { product_id: ball.id, product_name: 'Blue Ball', price: '0.10', quantity: 1, subtotal: '0.10' },
      ],
    });
    expect(await stockOf(kite.id)).toBe(7);
    expect(await stockOf(ball.id)).toBe(2);
    expect(await Cart.count({ where: { user_id: user.id } })).toBe(0);
    const cart = await request(ctx.app).get('/api/v1/cart').set('Authorization', bearer(token)).expect(200);
    expect(cart.body.items).toEqual([]);
    const order = await Order.findByPk(res.body.id as number);
    expect(order).toMatchObject({ user_id: user.id, status: 'pending', total_amount: '60.07' });

    // The order keeps what was bought, whatever happens to the product later.
    await kite.update({ name: 'Renamed Kite', price: '99.00' });
    const later = await request(ctx.app)
      .get(`/api/v1/orders/${res.body.id}`)
      .set('Authorization', bearer(token))
      .expect(200);
    expect(later.body.items[0]).toMatchObject({ product_name: 'Red Kite', price: '19.99', subtotal: '59.97' });
  });

  it('adds money exactly: 7 × 0.10 + 3 × 0.20 is 1.30, not 1.2999…', async () => {
    const category = await createCategory();
    const dime = await createProduct(category.id, { price: '0.10', stock: 100 });
    const twenty = await createProduct(category.id, { price: '0.20', stock: 100 });
    const { tokens } = await userWithTokens(ctx.app);
    await addToCart(ctx.app, tokens.access_token, dime.id, 7);
    await addToCart(ctx.app, tokens.access_token, twenty.id, 3);
    const res = await checkoutRequest(ctx.app, tokens.access_token).expect(201);
    expect(res.body.total_amount).toBe('1.30');
    const items = await OrderItem.findAll({ where: { order_id: res.body.id as number }, order: [['id', 'ASC']] });
    expect(items.map((item) => item.subtotal)).toEqual(['0.70', '0.60']);
  });

  it('answers 422 for an empty cart and creates nothing', async () => {
    const { token } = await shop();
    const res = await checkoutRequest(ctx.app, token).expect(422);
    expect(res.body).toMatchObject({ status: 422, detail: expect.stringContaining('cart is empty') });
    expect(await Order.count()).toBe(0);
  });

  it('answers 409 naming every short product, and changes nothing', async () => {
    const { kite, ball, user, token } = await shop();
    await addToCart(ctx.app, token, kite.id, 2);
    await addToCart(ctx.app, token, ball.id, 3);
    await ball.update({ stock: 1 }); // someone else bought two meanwhile

    const res = await checkoutRequest(ctx.app, token).expect(409);
    expect(res.body.products).toEqual([{ product_id: ball.id, name: 'Blue Ball', requested: 3, available: 1 }]);
    expect(res.body.detail).toContain('Blue Ball');
    expect(await stockOf(kite.id)).toBe(10);
    expect(await stockOf(ball.id)).toBe(1);
    expect(await Cart.count({ where: { user_id: user.id } })).toBe(2);
    expect(await Order.count()).toBe(0);
    expect(await OrderItem.count()).toBe(0);
  });

  it('answers 409 for a product archived since it was put in the cart', async () => {
    const { kite, token } = await shop();
    await addToCart(ctx.app, token, kite.id, 1);
    await kite.update({ archived: true });
    const res = await checkoutRequest(ctx.app, token).expect(409);
    expect(res.body.products).toEqual([{ product_id: kite.id, name: 'Red Kite', requested: 1, available: 0 }]);
    expect(await stockOf(kite.id)).toBe(10);
  });

  it('answers 422 when the total would not fit an order, changing nothing', async () => {
    const category = await createCategory();
    const yacht = await createProduct(category.id, { name: 'Yacht', price: '9999999999.99', stock: 5 });
    const { user, tokens } = await userWithTokens(ctx.app);
    await addToCart(ctx.app, tokens.access_token, yacht.id, 2);
    const res = await checkoutRequest(ctx.app, tokens.access_token).expect(422);
    expect(res.body.detail).toContain('larger than an order can hold');
    expect(await stockOf(yacht.id)).toBe(5);
    expect(await Order.count()).toBe(0);
    expect(await Cart.count({ where: { user_id: user.id } })).toBe(1);
  });

  it('refuses a missing, blank or oversized address and unknown fields with 422, changing nothing', async () => {
    const { kite, user, token } = await shop();
    await addToCart(ctx.app, token, kite.id, 1);
    const post = (body: object) =>
      request(ctx.app).post('/api/v1/orders').set('Authorization', bearer(token)).send(body);
    for (const body of [
      {},
      { shipping_address: '     ' },
      { shipping_address: 'x'.repeat(501) },
      { shipping_address: 12345 },
      { shipping_address: '1 Main Street', total_amount: '0.01' },
      { shipping_address: '1 Main Street', user_id: 1 },
    ]) {
      await post(body).expect(422);
    }
    expect(await Order.count()).toBe(0);
    expect(await stockOf(kite.id)).toBe(10);
    expect(await Cart.count({ where: { user_id: user.id } })).toBe(1);
  });

  it('needs a token', async () => {
    await request(ctx.app).post('/api/v1/orders').send({ shipping_address: '1 Main Street' }).expect(401);
  });
});

describe('Idempotency-Key', () => {
  it('returns the same order, status and body for the same key and body, and buys once', async () => {
    const { kite, token } = await shop();
    await addToCart(ctx.app, token, kite.id, 2);
    const first = await checkoutRequest(ctx.app, token, 'order-attempt-1').expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The shopper fills the cart again; a retry must not buy it.
    await addToCart(ctx.app, token, kite.id, 1);
    const retry = await checkoutRequest(ctx.app, token, 'order-attempt-1').expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await Order.count()).toBe(1);
    expect(await stockOf(kite.id)).toBe(8);
    expect(await Cart.count()).toBe(1);
  });

  it('answers 422 when the key is reused with a different body', async () => {
    const { kite, token } = await shop();
    await addToCart(ctx.app, token, kite.id, 1);
    await checkoutRequest(ctx.app, token, 'attempt-2').expect(201);
    await addToCart(ctx.app, token, kite.id, 1);
    const res = await checkoutRequest(ctx.app, token, 'attempt-2', '2 Other Road, Elsewhere').expect(422);
    expect(res.body.errors).toEqual([
      { field: 'Idempotency-Key', message: 'was already used for a different request' },
    ]);
    expect(await Order.count()).toBe(1);
  });

  it('answers 409 while a request with the same key is still running', async () => {
    const { kite, user, token } = await shop();
    await addToCart(ctx.app, token, kite.id, 1);
    // The first request holds the key (as it does while its transaction runs).
    const held = `emporium:idempotency:${user.id}:${createHash('sha256').update('attempt-3').digest('hex')}`;
    await redis.set(held, 'another-request', 'PX', 10_000);
    const res = await checkoutRequest(ctx.app, token, 'attempt-3').expect(409);
    expect(res.body.detail).toContain('still being processed');
    expect(await Order.count()).toBe(0);
    await redis.del(held);
    await checkoutRequest(ctx.app, token, 'attempt-3').expect(201);
  });

  it('lets concurrent requests with one key create exactly one order', async () => {
    const { kite, token } = await shop();
    await addToCart(ctx.app, token, kite.id, 1);
    const answers = await Promise.all(Array.from({ length: 6 }, () => checkoutRequest(ctx.app, token, 'same-key')));
    const statuses = answers.map((res) => res.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    expect(statuses).toContain(201);
    const ids = new Set(answers.filter((res) => res.status === 201).map((res) => res.body.id as number));
    expect(ids.size).toBe(1);
    expect(await Order.count()).toBe(1);
    expect(await stockOf(kite.id)).toBe(9);
  });

  it('keeps keys per user: two shoppers may use the same key', async () => {
    const { kite, token } = await shop();
    const other = await userWithTokens(ctx.app);
    await addToCart(ctx.app, token, kite.id, 1);
    await addToCart(ctx.app, other.tokens.access_token, kite.id, 1);
    const a = await checkoutRequest(ctx.app, token, 'shared').expect(201);
    const b = await checkoutRequest(ctx.app, other.tokens.access_token, 'shared').expect(201);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('refuses a malformed key with 422', async () => {
    const { kite, token } = await shop();
    await addToCart(ctx.app, token, kite.id, 1);
    await checkoutRequest(ctx.app, token, 'has space').expect(422);
    await checkoutRequest(ctx.app, token, 'k'.repeat(256)).expect(422);
    expect(await Order.count()).toBe(0);
  });
});
