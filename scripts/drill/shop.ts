/** Shopper actions against a running app, and a loop runner for load. */
import type http from 'node:http';
import { bearer, body, type Outcome, request } from './http.js';
import { suffix } from './util.js';

/** A shopper with a live login. */
export interface Shopper {
  username: string;
  password: string;
  access: string;
  refresh: string;
}

/** Token pair as /auth/login and /auth/refresh answer it. */
export interface Tokens {
  access_token: string;
  refresh_token: string;
}

/** Logs in (JSON body); `headers` may carry X-Forwarded-For. */
export function login(base: string, username: string, password: string, headers: Record<string, string> = {}) {
  return request(base, '/api/v1/auth/login', { json: { username, password }, headers });
}

/** Registers a new shopper and logs in; throws when either step fails. */
export async function newShopper(base: string, agent?: http.Agent): Promise<Shopper> {
  const username = `drill_${suffix()}`;
  const password = 'drill-shopper-password';
  const registered = await request(base, '/api/v1/auth/register', {
    json: { username, email: `${username}@drill.test`, password },
    agent,
  });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${registered.body}`);
  const tokens = await login(base, username, password);
  const pair = body<Tokens>(tokens);
  if (tokens.status !== 200 || !pair) throw new Error(`login failed: ${tokens.status} ${tokens.body}`);
  return { username, password, access: pair.access_token, refresh: pair.refresh_token };
}

/** Logs the shopper in again (after a Redis restart forgot the login); on 200 the shopper gets the new tokens. */
export async function relogin(base: string, shopper: Shopper): Promise<Outcome> {
  const outcome = await login(base, shopper.username, shopper.password);
  const pair = body<Tokens>(outcome);
  if (outcome.status === 200 && pair) {
    shopper.access = pair.access_token;
    shopper.refresh = pair.refresh_token;
  }
  return outcome;
}

/** Ids of the first `count` products of the catalog. */
export async function productIds(base: string, count = 100): Promise<number[]> {
  const page = await request(base, `/api/v1/products?page_size=${count}&sort=name`);
  const items = body<{ items: { id: number }[] }>(page)?.items;
  if (page.status !== 200 || !items?.length) throw new Error(`cannot list products: ${page.status} ${page.body}`);
  return items.map((item) => item.id);
}

/** POST /cart/items with one unit of `productId`. */
export const addToCart = (base: string, shopper: Shopper, productId: number, agent?: http.Agent) =>
  request(base, '/api/v1/cart/items', {
    json: { product_id: productId, quantity: 1 },
    headers: bearer(shopper.access),
    agent,
  });

/** POST /orders with a fresh Idempotency-Key. */
export const checkout = (base: string, shopper: Shopper, key: string, agent?: http.Agent, slowBodyMs?: number) =>
  request(base, '/api/v1/orders', {
    json: { shipping_address: '1 Drill Street, Springfield' },
    headers: { ...bearer(shopper.access), 'Idempotency-Key': key },
    agent,
    slowBodyMs,
  });

/** POST /orders/{id}/pay: shoppers pay right after checking out (unpaid orders are capped per shopper). */
export const pay = (base: string, shopper: Shopper, orderId: number, agent?: http.Agent) =>
  request(base, `/api/v1/orders/${orderId}/pay`, { method: 'POST', headers: bearer(shopper.access), agent });

/** A random element. */
export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** Runs `count` workers, each calling `step(worker)` in a loop until `stop()` is called. */
export function workers(count: number, step: (worker: number) => Promise<void>): { stop: () => Promise<void> } {
  let running = true;
  const loops = Array.from({ length: count }, async (_, worker) => {
    while (running) await step(worker);
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
