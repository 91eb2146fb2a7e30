/**
 * The app pointed at a Redis that is not there (a closed port): public
 * endpoints keep answering from PostgreSQL, authenticated ones fail closed
 * with a quick 503, /ready says Redis failed (/ready/routing stays up, degraded), and
 * nothing waits for Redis.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useContractChecks, validatedListener } from './support/contract-checks.js';
import { freePort as closedPort } from '../scripts/drill/util.js';
import { useSingleRedis } from './support/redis-topology.js';

useSingleRedis(`redis://127.0.0.1:${await closedPort()}/0`);
const { createRequestListener } = await import('../src/app.js');
const { sequelize } = await import('../src/db.js');
const { connectRedis, redis } = await import('../src/redis.js');
const { resetState } = await import('./support/context.js');
const { createCategory, createProduct, createUser } = await import('./support/factories.js');
const { signToken } = await import('../src/auth/tokens.js');
const { config } = await import('../src/config.js');

const app = validatedListener(createRequestListener());
useContractChecks();

beforeAll(async () => {
  await connectRedis();
  await resetState();
});
afterAll(async () => {
  redis.disconnect();
  await sequelize.close();
});

describe('with Redis unreachable', () => {
  it('GET /ready answers 503 naming Redis, quickly', async () => {
    const started = performance.now();
    const res = await request(app).get('/ready');
    const elapsed = performance.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 503,
      detail: 'Not ready: Redis unavailable.',
      checks: { postgres: 'ok', redis: 'unavailable' },
    });
    expect(res.headers['retry-after']).toBe('5');
    expect(elapsed).toBeLessThan(1_500);
  });

  it('GET /health still answers 200, saying Redis is unavailable', async () => {
    const res = await request(app).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', redis: 'unavailable' });
  });

  it('GET /ready/routing stays 200 for load balancers ("degraded"): the catalog keeps serving', async () => {
    const res = await request(app).get('/ready/routing').expect(200);
    expect(res.body).toEqual({ status: 'degraded', checks: { postgres: 'ok', redis: 'unavailable' } });
  });

  it('GET /api/v1/categories is served from PostgreSQL', async () => {
    const books = await createCategory({ name: 'Books' });
    await createProduct(books.id);
    const res = await request(app).get('/api/v1/categories').expect(200);
    expect(res.body).toEqual([expect.objectContaining({ name: 'Books', product_count: 1 })]);
  });

  it('reports redis_up 0 and counts the cache errors in /metrics', async () => {
    const res = await request(app).get('/metrics').expect(200);
    expect(res.text).toMatch(/^redis_up 0$/m);
    expect(res.text).toMatch(/^cache_lookups_total\{cache="categories",result="error"\} [1-9]/m);
  });
});

describe('authentication with Redis unreachable', () => {
  it('answers an authenticated call with 503 problem within a second (fail closed)', async () => {
    const user = await createUser();
    // A genuine, unexpired token: only the revocation check cannot be made.
    const { token } = signToken('access', user.id, 'some-login');
    const started = performance.now();
    const res = await request(app).get('/api/v1/users/me').set('Authorization', `Bearer ${token}`);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toBe('Sign-in is temporarily unavailable. Try again shortly.');
    // Public endpoints still work at the same moment.
    await request(app).get('/api/v1/categories').expect(200);
  });

  it('still refuses a bad token with 401 (no Redis needed to say no)', async () => {
    await request(app).get('/api/v1/users/me').set('Authorization', 'Bearer garbage').expect(401);
  });

  it('cannot start a login (503), but registration works', async () => {
    await request(app)
      .post('/api/v1/auth/register')
      .send({ username: 'newbie', email: 'newbie@example.com', password: 'correct-horse-battery' })
      .expect(201);
    const res = await request(app)
      .post('/api/v1/auth/login')
      .send({ username: 'newbie', password: 'correct-horse-battery' })
      .expect(503);
    expect(res.headers['retry-after']).toBe('5');
  });

  it('keeps limiting failed logins, in memory', async () => {
    await createUser({ username: 'target' });
    for (let i = 0; i < config.auth.loginMaxFailures; i += 1) {
      await request(app)
        .post('/api/v1/auth/login')
        .send({ username: 'target', password: 'wrong-password' })
        .expect(401);
    }
    await request(app).post('/api/v1/auth/login').send({ username: 'target', password: 'wrong-password' }).expect(429);
  });
});
