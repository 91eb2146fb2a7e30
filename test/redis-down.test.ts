/**
 * The app pointed at a Redis that is not there (a closed port): public
 * endpoints keep answering from PostgreSQL, /ready says Redis failed, and
 * nothing waits for Redis.
 */
import { createServer } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

process.env.REDIS_URL = `redis://127.0.0.1:${await closedPort()}/0`;
const { createApp } = await import('../src/app.js');
const { sequelize } = await import('../src/db.js');
const { connectRedis, redis } = await import('../src/redis.js');
const { resetState } = await import('./support/context.js');
const { createCategory, createProduct } = await import('./support/factories.js');

const app = createApp();

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

  it('GET /health still answers 200', async () => {
    await request(app).get('/health').expect(200);
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
