/**
 * The Redis topologies beyond one server (TEST_REDIS_TOPOLOGY, see
 * test/support/redis-topology.ts). In a Cluster: the cache fill, the
 * invalidations and refresh rotation work with their keys on several slots
 * (no CROSSSLOT). Behind Sentinel: the app survives a failover without a
 * restart. On the plain topology there is nothing of this to check.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getOrLoadJson, invalidate } from '../src/cache.js';
import { key, masters, redis, slotName } from '../src/redis.js';
import {
  PRODUCT_DETAILS_PREFIX,
  invalidateCatalog,
  invalidateReviews,
  productKey,
} from '../src/services/catalog-cache.js';
import { TEST_PASSWORD, bearer, userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct, createUser } from './support/factories.js';
import { redisKeys } from './support/redis-claims.js';
import { REDIS_TOPOLOGY, command, startSentinels, stopGroup, until } from './support/redis-topology.js';
import { startServer } from './support/server-process.js';

const ctx = useTestApp();

describe.runIf(REDIS_TOPOLOGY === 'cluster')('in a Redis Cluster', () => {
  it('fills, invalidates and rotates with keys on several slots and nodes, never CROSSSLOT', async () => {
    const category = await createCategory();
    const products = await Promise.all([1, 2, 3].map(() => createProduct(category.id)));
    const { tokens } = await userWithTokens(ctx.app);

    // Reads that fill caches of several slots: categories, product details, lists, reviews, the caller.
    await request(ctx.app).get('/api/v1/categories').expect(200);
    for (const product of products) await request(ctx.app).get(`/api/v1/products/${product.id}`).expect(200);
    await request(ctx.app).get('/api/v1/products').expect(200);
    await request(ctx.app).get(`/api/v1/products/${products[0]!.id}/reviews`).expect(200);
    await request(ctx.app).get('/api/v1/users/me').set('Authorization', bearer(tokens.access_token)).expect(200);

    const keys = await redisKeys(redis, '*');
    const slots = new Set(await Promise.all(keys.map((name) => redis.cluster('KEYSLOT', name))));
    expect(slots.size).toBeGreaterThan(3);
    const holding = await Promise.all(masters().map(async (node) => (await node.dbsize()) > 0));
    expect(holding.filter(Boolean).length).toBeGreaterThan(1);
    expect(await redis.exists(productKey(products[0]!.id))).toBe(1);

    // Prefix invalidation without SCAN: every product detail goes, whichever node holds it.
    await invalidateCatalog();
    await invalidateReviews(products[0]!.id);
    expect(await redisKeys(redis, `${PRODUCT_DETAILS_PREFIX}*`)).toEqual([]);
    // Exact invalidation of keys of different slots in one call.
    const cached = await getOrLoadJson(productKey(products[1]!.id), { name: 'product' }, () =>
      Promise.resolve({ id: 1 }),
    );
    expect(cached?.entry).toBeDefined();
    expect(await invalidate(productKey(products[1]!.id), key('x', 'standalone'))).toBe(true);

    // Refresh rotation (a script over the user's tagged keys), then reuse detection.
    const rotated = await request(ctx.app)
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: tokens.refresh_token })
      .expect(200);
    await request(ctx.app)
      .get('/api/v1/users/me')
      .set('Authorization', bearer(rotated.body.access_token as string))
      .expect(200);
    await request(ctx.app).post('/api/v1/auth/refresh').send({ refresh_token: rotated.body.refresh_token }).expect(200);
    await request(ctx.app).post('/api/v1/auth/refresh').send({ refresh_token: tokens.refresh_token }).expect(401);
    // Reads after the invalidations fill again.
    await request(ctx.app).get(`/api/v1/products/${products[0]!.id}`).expect(200);
    expect(await redis.exists(productKey(products[0]!.id))).toBe(1);
    expect(slotName(productKey(products[0]!.id))).toBe('product');
  });
});

const FAILOVER = { master: 16731, replica: 16732, sentinels: [16741, 16742, 16743] } as const;
const FAILOVER_NAME = 'emporium-failover';

describe.runIf(REDIS_TOPOLOGY === 'sentinel')('behind Redis Sentinel', () => {
  it('survives a failover without a restart: a login and a cached read work after it', async () => {
    // A Sentinel group of this test's own, so the failover does not disturb the other workers.
    const group = await startSentinels(`/tmp/emporium-redis-failover-${process.pid}`, FAILOVER, FAILOVER_NAME);
    const server = await startServer({
      REDIS_URL: `redis://127.0.0.1:${FAILOVER.master}/0`,
      REDIS_SENTINELS: FAILOVER.sentinels.map((port) => `127.0.0.1:${port}`).join(','),
      REDIS_SENTINEL_NAME: FAILOVER_NAME,
      JOBS_ENABLED: 'false',
      AUTH_RATE_LIMIT: '1000',
    }).catch(async (error: unknown) => {
      await stopGroup(group);
      throw error;
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const user = await createUser();
      const category = await createCategory();
      const product = await createProduct(category.id);
      const login = () =>
        request(base).post('/api/v1/auth/login').send({ username: user.username, password: TEST_PASSWORD });
      const cachedRead = () => request(base).get(`/api/v1/products/${product.id}`);

      expect((await login()).status).toBe(200);
      expect((await cachedRead()).status).toBe(200);

      const masterPort = async () =>
        Number(
          ((await command(FAILOVER.sentinels[0], 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', FAILOVER_NAME)) as string[])[1],
        );
      expect(await masterPort()).toBe(FAILOVER.master);
      await command(FAILOVER.sentinels[0], 'SENTINEL', 'FAILOVER', FAILOVER_NAME);
      await until('the replica to become master', async () => (await masterPort()) === FAILOVER.replica);

      // The same process, never restarted, follows the new master: logins and cached reads work again.
      await until('a login after the failover', async () => (await login()).status === 200, 15_000);
      await until('a cached read after the failover', async () => (await cachedRead()).status === 200, 15_000);
      const roles = (await command(FAILOVER.replica, 'ROLE')) as unknown[];
      expect(roles[0]).toBe('master');
      // A cached read serves from PostgreSQL even with Redis gone; the entry on the new master shows it was cached.
      expect(await command(FAILOVER.replica, 'EXISTS', productKey(product.id))).toBe(1);
      expect(server.child.exitCode).toBeNull();
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await stopGroup(group);
    }
  }, 60_000);
});

describe.runIf(REDIS_TOPOLOGY === 'plain')('on one Redis server', () => {
  it('has no topology to check (run with TEST_REDIS_TOPOLOGY=cluster or sentinel)', () => {
    expect(REDIS_TOPOLOGY).toBe('plain');
  });
});
