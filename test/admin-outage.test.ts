/**
 * The staff panel while its sessions store (Redis) is down: every /admin
 * page answers a quick, clear 503 page (problem+json for the panel's API)
 * with Retry-After and no stack trace, the panel's static files still load,
 * the shop keeps serving, and once Redis is back the panel works again
 * without restarting the app. Redis here is a disposable redis-server on a
 * free port (scripts/drill), killed and started again by the test.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DisposableRedis } from '../scripts/drill/redis-server.js';
import { useContractChecks, validatedListener } from './support/contract-checks.js';
import { useSingleRedis } from './support/redis-topology.js';

const privateRedis = await DisposableRedis.start();
useSingleRedis(privateRedis.url());
const { createRequestListener } = await import('../src/app.js');
const { loadAdminPanel } = await import('../src/admin/index.js');
const { sequelize } = await import('../src/db.js');
const { connectRedis, redis, redisReady } = await import('../src/redis.js');
const { resetState } = await import('./support/context.js');
const { STAFF_PASSWORD, staffSession } = await import('./support/admin.js');
const { createCategory, createUser } = await import('./support/factories.js');

const SENTENCE = 'Staff sign-in is unavailable: sessions store is down';
const app = validatedListener(createRequestListener());
useContractChecks();

/** Waits (up to `ms`) until the Redis client's state is `ready`. */
async function redisBecomes(ready: boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (redisReady() !== ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(redisReady()).toBe(ready);
}

/** Checks the outage page: 503, HTML, the sentence, Retry-After, no stack trace, answered quickly. */
function expectOutagePage(res: request.Response, elapsedMs: number): void {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
  expect(res.headers['retry-after']).toBe('15');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.text).toContain(SENTENCE);
  expect(res.text).toContain('The shop keeps serving customers');
  expect(res.text).toContain('Try again in a minute');
  expect(res.text).not.toMatch(/\n\s+at |Error:/);
  expect(elapsedMs).toBeLessThan(1_000);
}

const timed = async (call: () => request.Test) => {
  const started = performance.now();
  const res = await call();
  return { res, ms: performance.now() - started };
};

beforeAll(async () => {
  await connectRedis();
  await resetState();
  await loadAdminPanel();
});
afterAll(async () => {
  redis.disconnect();
  await privateRedis.kill();
  await sequelize.close();
});

describe('the staff panel through a Redis outage', () => {
  let signedIn: Awaited<ReturnType<typeof staffSession>>;

  it('works while Redis is up', async () => {
    signedIn = await staffSession(app);
    await signedIn.agent.get('/admin/api/resources/products/actions/list').expect(200);
    await createCategory({ name: 'Books' });
  });

  it('answers the outage page at once for the login page, the login POST and signed-in pages', async () => {
    await privateRedis.kill();
    await redisBecomes(false);

    const loginPage = await timed(() => request(app).get('/admin/login'));
    expectOutagePage(loginPage.res, loginPage.ms);
    expect(loginPage.res.text).toContain('<meta http-equiv="refresh" content="15; url=/admin/login">');

    const loginPost = await timed(() =>
      request(app).post('/admin/login').type('form').send({ email: 'boss@shop.test', password: STAFF_PASSWORD }),
    );
    expectOutagePage(loginPost.res, loginPost.ms);

    const dashboard = await timed(() => signedIn.agent.get('/admin'));
    expectOutagePage(dashboard.res, dashboard.ms);
    const list = await timed(() => signedIn.agent.get('/admin/resources/products?page=2'));
    expectOutagePage(list.res, list.ms);
    // The page reloads the page it stands for (escaped).
    expect(list.res.text).toContain('url=/admin/resources/products?page=2"');
  });

  it('answers the panel API with problem+json', async () => {
    const { res, ms } = await timed(() => signedIn.agent.get('/admin/api/resources/products/actions/list'));
    expect(ms).toBeLessThan(1_000);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('15');
    expect(res.body).toMatchObject({
      status: 503,
      title: 'Service unavailable',
      detail: SENTENCE,
      instance: '/admin/api/resources/products/actions/list',
    });
  });

  it('still serves the static assets, with or without a session cookie', async () => {
    for (const path of ['app.bundle.js', 'global.bundle.js', 'design-system.bundle.js', 'components.bundle.js']) {
      const res = await request(app).get(`/admin/frontend/assets/${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toMatch(/javascript/);
    }
    await signedIn.agent.get('/admin/frontend/assets/app.bundle.js').expect(200);
  });

  it('keeps the shop serving', async () => {
    const res = await request(app).get('/api/v1/categories').expect(200);
    expect(res.body).toEqual([expect.objectContaining({ name: 'Books' })]);
  });

  it('recovers by itself when Redis is back: login page, sign-in and panel pages work', async () => {
    await privateRedis.spawn();
    await redisBecomes(true);
    const loginPage = await request(app).get('/admin/login').expect(200);
    expect(loginPage.text).not.toContain(SENTENCE);
    // The restarted Redis is empty: the old session is gone, so sign in again.
    await signedIn.agent.get('/admin/api/resources/products/actions/list').expect(302);
    await createUser({ email: 'second@shop.test', password: STAFF_PASSWORD, role: 'admin' });
    const agent = request.agent(app);
    await agent
      .post('/admin/login')
      .type('form')
      .send({ email: 'second@shop.test', password: STAFF_PASSWORD })
      .expect(302);
    const list = await agent.get('/admin/api/resources/products/actions/list').expect(200);
    expect(list.body).toHaveProperty('records');
  });
});
