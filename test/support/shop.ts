/** Shopping through the real API, for tests that need carts and orders. */
import { type RequestListener, type Server, createServer } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, expect } from 'vitest';
import type { OrderOut } from '../../src/schemas/order.js';
import { type Actor, transitionOrder } from '../../src/services/order-service.js';
import { bearer } from './auth.js';
import { createUser } from './factories.js';

/** A staff actor backed by a real admin account (audit rows need one). */
export async function staffActor(): Promise<Actor> {
  const admin = await createUser({ role: 'admin' });
  return { kind: 'staff', adminId: admin.id };
}

/** Puts `quantity` of a product in the cart of the token's user (asserting 201). */
export async function addToCart(app: RequestListener, token: string, productId: number, quantity = 1): Promise<void> {
  const res = await request(app)
    .post('/api/v1/cart/items')
    .set('Authorization', bearer(token))
    .send({ product_id: productId, quantity });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** POST /orders with an address; returns the raw response. */
export function checkoutRequest(
  app: RequestListener,
  token: string,
  idempotencyKey?: string,
  address = '1 Main Street, Springfield',
) {
  const req = request(app).post('/api/v1/orders').set('Authorization', bearer(token));
  if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey);
  return req.send({ shipping_address: address });
}

/** Checks the cart out (asserting 201) and returns the order. */
export async function checkout(app: RequestListener, token: string): Promise<OrderOut> {
  const res = await checkoutRequest(app, token);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as OrderOut;
}

/** POST /orders/{id}/{action} as the token's user. */
export const orderAction = (
  app: RequestListener,
  token: string,
  orderId: number,
  action: 'pay' | 'cancel' | 'confirm',
) => request(app).post(`/api/v1/orders/${orderId}/${action}`).set('Authorization', bearer(token));

/**
 * Buys the products (one of each, or the given quantities) and takes the
 * order all the way to completed: pay and confirm through the API, ship
 * through the order service (as the admin panel does).
 */
export async function completedOrder(
  app: RequestListener,
  token: string,
  lines: { productId: number; quantity?: number }[],
): Promise<OrderOut> {
  for (const line of lines) await addToCart(app, token, line.productId, line.quantity ?? 1);
  const order = await checkout(app, token);
  expect((await orderAction(app, token, order.id, 'pay')).status).toBe(200);
  await transitionOrder(order.id, 'ship', await staffActor());
  const confirmed = await orderAction(app, token, order.id, 'confirm');
  expect(confirmed.status).toBe(200);
  return confirmed.body as OrderOut;
}

/**
 * Serves the file's app on a real port (concurrent checkouts need real
 * sockets, not supertest's one-off servers) and returns a checkout call over
 * it.
 */
export function useServedCheckout(ctx: { app: RequestListener }): (token: string) => request.Test {
  let server: Server;
  beforeAll(() => {
    server = createServer(ctx.app).listen(0);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (token) =>
    request(server)
      .post('/api/v1/orders')
      .set('Authorization', `Bearer ${token}`)
      .send({ shipping_address: '1 Main Street' });
}
