/**
 * Batching per event-loop round (src/lib/round-batch.ts, which groups the
 * checkouts of one round), the auto-pipelined Redis MGET of the hot reads,
 * and many checkouts at once. Each caller must get exactly its own answer,
 * whatever else shared the round trip.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, ServiceUnavailableError } from '../src/errors.js';
import { roundBatch } from '../src/lib/round-batch.js';
import { key, mget, redis } from '../src/redis.js';
import { Cart, Order, Product } from '../src/models/index.js';
import { tokensFor } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct, createUser } from './support/factories.js';
import { useServedCheckout } from './support/shop.js';

const ctx = useTestApp();
const checkout = useServedCheckout(ctx);

/** A batched doubler that records every batch it ran. */
function doubler() {
  const batches: number[][] = [];
  const double = roundBatch((inputs: number[]) => {
    batches.push(inputs);
    return Promise.resolve(inputs.map((n) => n * 2));
  });
  return { double, batches };
}

describe('roundBatch', () => {
  it('runs the calls of one round as one batch, in order, each caller getting its own output', async () => {
    const { double, batches } = doubler();
    expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('runs calls of different rounds as different batches; a lone call is a batch of one', async () => {
    const { double, batches } = doubler();
    expect(await double(1)).toBe(2);
    const later = await new Promise<number>((resolve) => setImmediate(() => resolve(double(5))));
    expect(later).toBe(10);
    expect(batches).toEqual([[1], [5]]);
  });

  it('fails every call of a failed batch with its error, and the next round works again', async () => {
    let fail = true;
    const flaky = roundBatch((inputs: string[]) =>
      fail ? Promise.reject(new Error('backend down')) : Promise.resolve(inputs.map((input) => input.toUpperCase())),
    );
    const results = await Promise.allSettled([flaky('a'), flaky('b')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(results.map((result) => ((result as PromiseRejectedResult).reason as Error).message)).toEqual([
      'backend down',
      'backend down',
    ]);
    fail = false;
    expect(await Promise.all([flaky('c'), flaky('d')])).toEqual(['C', 'D']);
  });

  it('turns a batch function that throws synchronously into rejections, not a crash', async () => {
    const broken = roundBatch((): Promise<number[]> => {
      throw new Error('sync failure');
    });
    await expect(broken(1)).rejects.toThrow('sync failure');
  });
});

describe('MGET (pipelined per round by ioredis)', () => {
  it('gives each call of a round exactly the values of its own keys', async () => {
    await redis.mset(key('t', 'a'), '1', key('t', 'b'), '2', key('t', 'c'), '3');
    const calls = [[key('t', 'a')], [key('t', 'b'), key('t', 'missing'), key('t', 'c')], [], [key('t', 'c')]];
    const answers = await Promise.all(calls.map((keys) => mget(keys)));
    expect(answers).toEqual([['1'], ['2', null, '3'], [], ['3']]);
    expect(await mget([])).toEqual([]);
  });

  it('fails every call of the round when Redis is unreachable (callers decide what that means)', async () => {
    const ended = new Promise((resolve) => redis.once('end', resolve));
    redis.disconnect();
    await ended;
    try {
      const results = await Promise.allSettled([mget([key('t', 'a')]), mget([key('t', 'b')])]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    } finally {
      await redis.connect();
    }
    expect(redis.status).toBe('ready');
    expect(await mget([key('t', 'nothing')])).toEqual([null]);
  });
});

describe('cart checks of many checkouts at once', () => {
  it('checks each shopper against their own cart when many arrive at once', async () => {
    const category = await createCategory();
    const plenty = await createProduct(category.id, { name: 'Plenty', price: '2.00', stock: 100 });
    const scarce = await createProduct(category.id, { name: 'Scarce', price: '3.00', stock: 1 });
    const users = await Promise.all(Array.from({ length: 12 }, () => createUser()));
    // Even shoppers want 2 of the scarce product (never available), odd ones 3 of the plentiful one.
    for (const [index, user] of users.entries()) {
      await Cart.create(
        index % 2 === 0
          ? { user_id: user.id, product_id: scarce.id, quantity: 2 }
          : { user_id: user.id, product_id: plenty.id, quantity: 3 },
      );
    }
    const tokens = (await tokensFor(users.map((user) => user.username))).map((pair) => pair.access_token);

    const answers = await Promise.all(tokens.map((token) => checkout(token)));

    for (const [index, res] of answers.entries()) {
      if (index % 2 === 0) {
        expect(res.status).toBe(409);
        expect(res.body.products).toEqual([{ product_id: scarce.id, name: 'Scarce', requested: 2, available: 1 }]);
      } else {
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect(res.body.items).toMatchObject([{ product_id: plenty.id, quantity: 3 }]);
      }
    }
    expect((await Product.findByPk(plenty.id))!.stock).toBe(100 - 3 * 6);
    expect((await Product.findByPk(scarce.id))!.stock).toBe(1);
    expect(await Order.count()).toBe(6);
  });
});

describe('expected errors', () => {
  it('carry no stack trace for client errors (4xx), and keep it for server errors', () => {
    const conflict = new ConflictError('No stock.');
    expect(conflict.stack).toBe('ConflictError: No stock.');
    expect(new ForbiddenError().stack).not.toMatch(/\n\s+at /);
    expect(new ServiceUnavailableError('Down.').stack).toMatch(/\n\s+at /);
    // The process-wide limit is left as it was.
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
    expect(new Error('plain').stack).toMatch(/\n\s+at /);
  });
});
