/** Rate limits on /auth, counted in Redis. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { config } from '../src/config.js';
import { redis } from '../src/redis.js';
import { useTestApp } from './support/context.js';
import { TEST_PASSWORD } from './support/auth.js';
import { createUser } from './support/factories.js';

const ctx = useTestApp();
const login = (username: string, password: string) =>
  request(ctx.app).post('/api/v1/auth/login').send({ username, password });

describe('failed logins per (username, IP)', () => {
  it(`answers 429 with Retry-After after ${config.auth.loginMaxFailures} failures, even for the right password`, async () => {
    await createUser({ username: 'grace' });
    for (let i = 0; i < config.auth.loginMaxFailures; i += 1) await login('grace', 'wrong-password').expect(401);

    const blocked = await login('grace', TEST_PASSWORD).expect(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(config.auth.loginFailureWindowSeconds);
    expect(blocked.body).toMatchObject({ status: 429, type: 'urn:emporium:problem:rate-limited' });

    // Counted in Redis, where every instance sees it.
    expect(await redis.keys('emporium:rate:login-fail:*')).toHaveLength(1);
    // Another username from the same IP is not affected.
    await createUser({ username: 'ada' });
    await login('ada', TEST_PASSWORD).expect(200);
  });

  it('counts the name case-insensitively', async () => {
    await createUser({ username: 'grace' });
    for (let i = 0; i < config.auth.loginMaxFailures; i += 1) {
      await login(i % 2 ? 'GRACE' : 'grace', 'wrong-password').expect(401);
    }
    await login('Grace', TEST_PASSWORD).expect(429);
  });

  it('resets after a successful login', async () => {
    await createUser({ username: 'grace' });
    for (let i = 0; i < config.auth.loginMaxFailures - 1; i += 1) await login('grace', 'wrong-password').expect(401);
    await login('grace', TEST_PASSWORD).expect(200);
    for (let i = 0; i < config.auth.loginMaxFailures - 1; i += 1) await login('grace', 'wrong-password').expect(401);
    await login('grace', TEST_PASSWORD).expect(200);
  });
});

describe('requests per IP to /auth/*', () => {
  it(`answers 429 after ${config.auth.rateLimit} requests in the window`, async () => {
    const body = { refresh_token: 'not-a-token' };
    for (let i = 0; i < config.auth.rateLimit; i += 1) {
      await request(ctx.app).post('/api/v1/auth/refresh').send(body).expect(401);
    }
    const res = await request(ctx.app).post('/api/v1/auth/register').send({}).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Only /auth is limited.
    await request(ctx.app).get('/api/v1/categories').expect(200);
  });
});
