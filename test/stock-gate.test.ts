/**
 * The stock gate (src/services/stock-gate.ts): checkouts claim units per
 * product within the process, all or nothing; the rest wait for the ones
 * ahead and learn the stock they left. Unit tests of the gate itself, then
 * crowds of real checkouts through it over HTTP.
 */
import { QueryTypes } from 'sequelize';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sequelize } from '../src/db.js';
import { Cart, Order, OrderItem, Product } from '../src/models/index.js';
import {
  GATE_MAX_WAIT_MS,
  type GateLine,
  type Release,
  settled,
  tryAdmit,
  withSettledStock,
} from '../src/services/stock-gate.js';
import { tokensFor } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { useServedCheckout } from './support/shop.js';
import { createCategory, createProduct, createUser } from './support/factories.js';

const ctx = useTestApp();

/** Product ids of the unit tests: far above any row the integration tests create. */
let nextId = 1_000_000;
const productId = () => (nextId += 1);
const line = (product_id: number, quantity: number, available: number): GateLine => ({
  product_id,
  quantity,
  available,
});

/** Every release a unit test took, so a failed assertion never leaves units claimed for the next test. */
const taken: Release[] = [];
const admit = (lines: GateLine[]) => {
  const release = tryAdmit(lines);
  if (release) taken.push(release);
  return release;
};
afterEach(() => {
  for (const release of taken.splice(0)) release();
});

/** Settles once the promise did, or says it is still waiting after the event loop has turned. */
async function state<T>(promise: Promise<T>): Promise<{ done: true; value: T } | { done: false }> {
  const pending = Symbol('pending');
  const value = await Promise.race([
    promise,
    new Promise<typeof pending>((resolve) => setImmediate(() => resolve(pending))),
  ]);
  return value === pending ? { done: false } : { done: true, value: value as T };
}

describe('tryAdmit', () => {
  it('admits while the unclaimed units suffice, and refuses the checkout that would exceed them', () => {
    const p = productId();
    expect(admit([line(p, 2, 3)])).toBeTypeOf('function');
    expect(admit([line(p, 1, 3)])).toBeTypeOf('function');
    expect(admit([line(p, 1, 3)])).toBeUndefined();
    // Judged against the stock each checkout saw: more seen, more admitted.
    expect(admit([line(p, 1, 4)])).toBeTypeOf('function');
  });

  it('claims all lines or none: a refused checkout leaves its other products unclaimed', async () => {
    const [a, b] = [productId(), productId()];
    const first = admit([line(a, 1, 1)]);
    expect(first).toBeDefined();
    expect(admit([line(b, 1, 1), line(a, 1, 1)])).toBeUndefined();
    // b was not claimed by the refused checkout: its single unit is still there.
    expect(admit([line(b, 1, 1)])).toBeDefined();
    expect(await state(settled([line(a, 1, 1)]))).toEqual({ done: false });
  });

  it('frees the units on release, once only however often release is called', () => {
    const p = productId();
    const first = admit([line(p, 1, 2)])!;
    admit([line(p, 1, 2)]);
    first();
    first();
    // One unit is still claimed by the second checkout.
    expect(admit([line(p, 2, 2)])).toBeUndefined();
    expect(admit([line(p, 1, 2)])).toBeDefined();
  });
});

describe('withSettledStock', () => {
  it('lowers the stock of a look taken before checkouts of the product settled, and only then', () => {
    const [sold, other] = [productId(), productId()];
    const before = performance.now();
    admit([line(sold, 2, 2)])!(new Map([[sold, 0]]));
    const after = performance.now();
    const look = [line(sold, 1, 2), line(other, 1, 7)];
    // Read before the sale settled: the stock the sale left under the row lock is newer.
    expect(withSettledStock(look, before)).toEqual([line(sold, 1, 0), line(other, 1, 7)]);
    // Read after it: the look is the newer one.
    expect(withSettledStock(look, after)).toEqual(look);
    // A look that saw less than the settled stock keeps what it saw.
    expect(withSettledStock([line(sold, 1, 0)], before)).toEqual([line(sold, 1, 0)]);
  });

  it('knows nothing of a release that did not say the stock', () => {
    const p = productId();
    const before = performance.now();
    admit([line(p, 1, 3)])!();
    expect(withSettledStock([line(p, 1, 3)], before)).toEqual([line(p, 1, 3)]);
  });
});

describe('settled', () => {
  it('resolves at once, with nothing known, when no line is claimed', async () => {
    expect(await state(settled([line(productId(), 1, 5)]))).toEqual({ done: true, value: new Map() });
  });

  it('waits for every claim on the product, then gives the stock the last release passed', async () => {
    const p = productId();
    const first = admit([line(p, 1, 2)])!;
    const second = admit([line(p, 1, 2)])!;
    const waiting = settled([line(p, 1, 2)]);
    first(new Map([[p, 1]]));
    expect(await state(waiting)).toEqual({ done: false });
    second(new Map([[p, 0]]));
    expect(await state(waiting)).toEqual({ done: true, value: new Map([[p, 0]]) });
    // The gate is gone: the next checkout is admitted against what it sees.
    expect(admit([line(p, 2, 2)])).toBeDefined();
  });

  it('waits for all the lines, and leaves out a product whose release did not know its stock', async () => {
    const [a, b, free] = [productId(), productId(), productId()];
    const holdsA = admit([line(a, 1, 1)])!;
    const holdsB = admit([line(b, 1, 1)])!;
    const waiting = settled([line(a, 1, 1), line(b, 1, 1), line(free, 1, 9)]);
    holdsA(new Map([[a, 7]]));
    expect(await state(waiting)).toEqual({ done: false });
    holdsB(); // failed without seeing the stock
    expect(await state(waiting)).toEqual({ done: true, value: new Map([[a, 7]]) });
  });

  it('wakes every waiter of a product together', async () => {
    const p = productId();
    const release = admit([line(p, 1, 1)])!;
    const waiters = Array.from({ length: 5 }, () => settled([line(p, 1, 1)]));
    release(new Map([[p, 0]]));
    expect(await Promise.all(waiters)).toEqual(Array.from({ length: 5 }, () => new Map([[p, 0]])));
  });

  it('gives up after GATE_MAX_WAIT_MS with nothing known', async () => {
    const p = productId();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      admit([line(p, 1, 1)]);
      const waiting = settled([line(p, 1, 1)]);
      vi.advanceTimersByTime(GATE_MAX_WAIT_MS - 1);
      expect(await state(waiting)).toEqual({ done: false });
      vi.advanceTimersByTime(1);
      expect(await state(waiting)).toEqual({ done: true, value: new Map() });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('checkouts through the gate', () => {
  const checkout = useServedCheckout(ctx);

  /** One shopper per cart, with tokens; returns their ids and access tokens in cart order. */
  async function shoppers(carts: { productId: number; quantity: number }[][]) {
    const users = await Promise.all(carts.map(() => createUser()));
    for (const [index, user] of users.entries()) {
      for (const cartLine of carts[index]!) {
        await Cart.create({ user_id: user.id, product_id: cartLine.productId, quantity: cartLine.quantity });
      }
    }
    const tokens = await tokensFor(users.map((user) => user.username));
    return users.map((user, index) => ({ userId: user.id, token: tokens[index]!.access_token }));
  }

  /** Orders whose total is not the sum of their lines, or a line whose subtotal is not price × quantity. */
  const inconsistentOrders = () =>
    sequelize.query(
      `SELECT o.id FROM orders o JOIN order_items i ON i.order_id = o.id
        GROUP BY o.id, o.total_amount
       HAVING o.total_amount <> sum(i.subtotal) OR bool_or(i.subtotal <> i.price * i.quantity)`,
      { type: QueryTypes.SELECT },
    );

  /** True when nothing is claimed on the product any more (a waiter would not wait). */
  const gateIsIdle = async (id: number) => (await state(settled([line(id, 1, 1)]))).done;

  it('40 shoppers for the last 3 units, some with a second line: 3 × 201, 37 × 409 naming the product, stock 0', async () => {
    const category = await createCategory();
    const last = await createProduct(category.id, { name: 'Last Three', price: '49.99', stock: 3 });
    const extra = await createProduct(category.id, { name: 'Plenty', price: '5.25', stock: 100 });
    const carts = Array.from({ length: 40 }, (_, index) =>
      index % 4 === 0
        ? [
            { productId: extra.id, quantity: 2 },
            { productId: last.id, quantity: 1 },
          ]
        : [{ productId: last.id, quantity: 1 }],
    );
    const crowd = await shoppers(carts);

    const answers = await Promise.all(crowd.map(({ token }) => checkout(token)));

    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(3);
    expect(statuses.filter((status) => status === 409)).toHaveLength(37);
    for (const res of answers.filter((r) => r.status === 409)) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 409 });
      expect(res.body.products).toEqual([{ product_id: last.id, name: 'Last Three', requested: 1, available: 0 }]);
    }
    const winners = answers.flatMap((res, index) => (res.status === 201 ? [index] : []));
    for (const index of winners) {
      const withExtra = index % 4 === 0;
      const body = answers[index]!.body as { total_amount: string; items: { product_id: number }[] };
      expect(body.total_amount).toBe(withExtra ? '60.49' : '49.99');
      expect(body.items.map((item) => item.product_id)).toEqual(
        withExtra ? [last.id, extra.id].sort((x, y) => x - y) : [last.id],
      );
    }

    const extrasSold = winners.filter((index) => index % 4 === 0).length;
    expect((await Product.findByPk(last.id))!.stock).toBe(0);
    expect((await Product.findByPk(extra.id))!.stock).toBe(100 - 2 * extrasSold);
    expect(await Order.count()).toBe(3);
    expect(await OrderItem.sum('quantity', { where: { product_id: last.id } })).toBe(3);
    expect(await inconsistentOrders()).toEqual([]);
    const winnerIds = winners.map((index) => crowd[index]!.userId);
    const byId = (x: number, y: number) => x - y;
    expect((await Order.findAll()).map((order) => order.user_id).sort(byId)).toEqual(winnerIds.sort(byId));
    // The 37 who missed out keep their carts (all lines); the winners' carts are empty.
    const losersLines = carts.filter((_, index) => !winners.includes(index)).flat().length;
    expect(await Cart.count()).toBe(losersLines);
    expect(await gateIsIdle(last.id)).toBe(true);
    expect(await gateIsIdle(extra.id)).toBe(true);
  });

  it('carts of two contended products: all or nothing, never half an order', async () => {
    const category = await createCategory();
    const a = await createProduct(category.id, { price: '1.00', stock: 2 });
    const b = await createProduct(category.id, { price: '2.00', stock: 2 });
    const crowd = await shoppers(
      Array.from({ length: 12 }, () => [
        { productId: a.id, quantity: 1 },
        { productId: b.id, quantity: 1 },
      ]),
    );
    const answers = await Promise.all(crowd.map(({ token }) => checkout(token)));
    expect(answers.filter((res) => res.status === 201)).toHaveLength(2);
    expect(answers.filter((res) => res.status === 409)).toHaveLength(10);
    expect((await Product.findByPk(a.id))!.stock).toBe(0);
    expect((await Product.findByPk(b.id))!.stock).toBe(0);
    expect(await OrderItem.count()).toBe(4);
    expect(await inconsistentOrders()).toEqual([]);
    expect(await gateIsIdle(a.id)).toBe(true);
    expect(await gateIsIdle(b.id)).toBe(true);
  });

  it('a checkout refused for its total never takes the last unit from the shopper waiting behind it', async () => {
    const category = await createCategory();
    const huge = await createProduct(category.id, { name: 'Yacht', price: '9999999999.99', stock: 10 });
    for (let round = 0; round < 8; round += 1) {
      const last = await createProduct(category.id, { name: `Last ${round}`, price: '1.00', stock: 1 });
      const [tooLarge, waiting] = await shoppers([
        [
          { productId: last.id, quantity: 1 },
          { productId: huge.id, quantity: 2 },
        ],
        [{ productId: last.id, quantity: 1 }],
      ]);
      const [refused, placed] = await Promise.all([checkout(tooLarge!.token), checkout(waiting!.token)]);
      // Refused for its total if it went first, for the stock if the other one did: never placed.
      expect([409, 422]).toContain(refused.status);
      expect(placed.status, JSON.stringify(placed.body)).toBe(201);
      expect((await Product.findByPk(last.id))!.stock).toBe(0);
      expect(await Order.count({ where: { user_id: tooLarge!.userId } })).toBe(0);
      expect(await gateIsIdle(last.id)).toBe(true);
    }
    expect((await Product.findByPk(huge.id))!.stock).toBe(10);
    expect(await Order.count()).toBe(8);
  });
});
