/**
 * The app pointed at a PostgreSQL that is not there (a closed port): the
 * probes say so at once. Liveness stays up (restarting would not help), and
 * both readiness checks, the strict one and the one for routing, answer 503
 * naming PostgreSQL, so a load balancer stops sending traffic here.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useContractChecks, validatedListener } from './support/contract-checks.js';
import { freePort as closedPort } from '../scripts/drill/util.js';

process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${await closedPort()}/emporium_nowhere`;
process.env.DB_ACQUIRE_TIMEOUT_MS = '500';
const { createRequestListener } = await import('../src/app.js');
const { sequelize } = await import('../src/db.js');
const { connectRedis, redis } = await import('../src/redis.js');

const app = validatedListener(createRequestListener());
useContractChecks();

beforeAll(connectRedis);
afterAll(async () => {
  await redis.quit();
  await sequelize.close();
});

describe('with PostgreSQL unreachable', () => {
  it('GET /health answers 200', async () => {
    const res = await request(app).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', redis: 'ok' });
  });

  it.each(['/ready', '/ready/routing'])('GET %s answers 503 naming PostgreSQL, quickly', async (path) => {
    const started = performance.now();
    const res = await request(app).get(path);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      type: 'urn:emporium:problem:service-unavailable',
      checks: { postgres: 'unavailable', redis: 'ok' },
    });
    expect(res.body.detail).toMatch(/PostgreSQL unavailable/);
    expect(res.headers['retry-after']).toBe('5');
    expect(performance.now() - started).toBeLessThan(2_500);
  });
});
