/** The world the fuzz tests attack: a catalog with stock, a fuzz shopper, another shopper with orders, a cart and a review, staff. */
import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { expect } from 'vitest';
import { hashPassword } from '../../src/auth/passwords.js';
import { startFamily } from '../../src/auth/sessions.js';
import { config } from '../../src/config.js';
import { User } from '../../src/models/index.js';
import { TEST_PASSWORD, bearer, tokensFor, userWithTokens } from '../support/auth.js';
import { createCategory, createProduct } from '../support/factories.js';
import type { Identity } from '../support/fuzz.js';
import { oneRow } from '../support/sql.js';
import { addToCart, checkout, completedOrder, orderAction } from '../support/shop.js';
import type { Pools } from './values.js';

export interface Shopper {
  id: number;
  username: string;
  email: string;
  access: string;
  refresh: string;
}

export interface World {
  shopper: Shopper;
  victim: Shopper;
  productIds: number[];
  categoryIds: number[];
  shopperOrderIds: number[];
  victimOrderIds: number[];
  victimCartProductIds: number[];
  staffIds: number[];
  pools: Pools;
  /** Authorization header values that must all be refused (forged with the real secret too). */
  junkAuth: string[];
}

async function shopper(app: RequestListener, username: string): Promise<Shopper> {
  const { user, tokens } = await userWithTokens(app, { username, email: `${username}@shop.test` });
  return { id: user.id, username, email: user.email, access: tokens.access_token, refresh: tokens.refresh_token };
}

/** Logs `who` in again (resetting a password the fuzzer may have changed), for `Identity.renew`. */
export function identityOf(who: Shopper): Identity {
  return {
    token: who.access,
    // A password change fuzzed in the same batch may commit after the reset: reset and log in again then.
    renew: async () => {
      for (let attempt = 1; ; attempt += 1) {
        await User.update({ password_hash: await hashPassword(TEST_PASSWORD) }, { where: { id: who.id } });
        try {
          const [pair] = await tokensFor([who.username]);
          return pair!.access_token;
        } catch (error) {
          if (attempt >= 5) throw error;
        }
      }
    },
  };
}

/** Access tokens that are wrong in every way a token can be; some signed with the real secret on a live login. */
async function junkAuthorizations(who: Shopper): Promise<string[]> {
  const { jwtSecret, issuer, audience } = config.auth;
  const family = randomUUID();
  await startFamily(who.id, family, randomUUID());
  const sign = (sub: string, secret = jwtSecret, claims: object = {}) =>
    jwt.sign({ typ: 'access', fam: family, ...claims }, secret, {
      algorithm: 'HS256',
      subject: sub,
      jwtid: randomUUID(),
      issuer,
      audience,
      ...('exp' in claims ? {} : { expiresIn: 900 }),
    });
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: String(who.id), typ: 'access', fam: family })}.`;
  return [
    '',
    'Bearer',
    'Bearer ',
    'Bearer null',
    'bearer undefined',
    'Basic YWRtaW46YWRtaW4=',
    'Bearer a.b.c',
    `Bearer ${'A'.repeat(1_900)}`,
    'Token abc',
    `Bearer ${who.access} ${who.access}`,
    `Bearer ${who.access}x`,
    `Bearer ${unsigned}`,
    `Bearer ${who.refresh}`,
    `Bearer ${sign(String(who.id), 'not-the-secret')}`,
    `Bearer ${sign(String(who.id), jwtSecret, { exp: Math.floor(Date.now() / 1000) - 60 })}`,
    `Bearer ${sign(String(who.id), jwtSecret, { typ: 'refresh' })}`,
    ...['0', '-1', '2147483648', '99999999999999999999', '1e3', ' 1'].map((sub) => `Bearer ${sign(sub)}`),
  ];
}

/** Seeds the shop through the models and the real API. */
export async function seedWorld(app: RequestListener): Promise<World> {
  const categories = await Promise.all([createCategory(), createCategory(), createCategory()]);
  const [a, b, c] = categories.map((category) => category.id) as [number, number, number];
  const products = [
    await createProduct(a, { name: 'Rain Jacket', description: 'Waterproof jacket', price: '89.90', stock: 500 }),
    await createProduct(a, { name: 'Wool Socks', price: '0.10', stock: 500 }),
    await createProduct(b, { name: 'Desk Lamp', price: '1234.56', stock: 300 }),
    await createProduct(b, { name: 'Blue Ball', price: '5.00', stock: 200 }),
    await createProduct(c, { name: 'Red Kite', price: '19.99', stock: 100 }),
    await createProduct(c, { name: 'Tea Pot', price: '33.33', stock: 50 }),
    await createProduct(c, { name: 'Sold Out', price: '7.77', stock: 0 }),
    await createProduct(c, { name: 'Archived Item', price: '12.00', stock: 10, archived: true }),
  ];
  const ids = products.map((product) => product.id);
  const [p0, p1, p2, p3, p4] = ids as [number, number, number, number, number];

  const me = await shopper(app, 'fuzzer');
  const mine = [(await completedOrder(app, me.access, [{ productId: p0 }, { productId: p1 }])).id];
  await addToCart(app, me.access, p2, 1);
  mine.push((await checkout(app, me.access)).id);

  const victim = await shopper(app, 'victim');
  const theirs = [(await completedOrder(app, victim.access, [{ productId: p0, quantity: 2 }, { productId: p3 }])).id];
  const review = await request(app)
    .post('/api/v1/reviews')
    .set('Authorization', bearer(victim.access))
    .send({ order_id: theirs[0], product_id: p0, rating: 4, content: 'Mine, not yours.' });
  expect(review.status, review.text).toBe(201);
  await addToCart(app, victim.access, p4, 1);
  const paid = await checkout(app, victim.access);
  expect((await orderAction(app, victim.access, paid.id, 'pay')).status).toBe(200);
  await addToCart(app, victim.access, p1, 1);
  theirs.push(paid.id, (await checkout(app, victim.access)).id);
  await addToCart(app, victim.access, p2, 3);
  await addToCart(app, victim.access, p3, 1);

  const { staff } = await oneRow<{ staff: number[] }>(`SELECT array_agg(id) AS staff FROM users WHERE role = 'admin'`);
  return {
    shopper: me,
    victim,
    productIds: ids,
    categoryIds: [a, b, c],
    shopperOrderIds: mine,
    victimOrderIds: theirs,
    victimCartProductIds: [p2, p3],
    staffIds: staff,
    pools: {
      ids: [...ids, a, b, c, ...mine, ...theirs, me.id, victim.id, 1],
      strings: [me.username, me.email, victim.username, victim.email, TEST_PASSWORD],
    },
    junkAuth: await junkAuthorizations(me),
  };
}
