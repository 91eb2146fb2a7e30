/**
 * The staff panel in headless Chromium through a Redis outage: the login
 * page becomes a readable "sessions store is down" page (not a blank one),
 * which reloads itself and turns back into the login page once Redis is
 * back, and signing in then works. Redis is a private redis-server of the
 * test's own. Screenshot: artifacts/screenshots/admin-redis-down.png.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { watchProblems } from '../../scripts/chromium.js';
import { DisposableRedis } from '../../scripts/drill/redis-server.js';
import { useSingleRedis } from '../support/redis-topology.js';

const privateRedis = await DisposableRedis.start();
useSingleRedis(privateRedis.url());
const { createRequestListener } = await import('../../src/app.js');
const { loadAdminPanel } = await import('../../src/admin/index.js');
const { sequelize } = await import('../../src/db.js');
const { connectRedis, redis, redisReady } = await import('../../src/redis.js');
const { resetState } = await import('../support/context.js');
const { STAFF_PASSWORD } = await import('../support/admin.js');
const { createUser } = await import('../support/factories.js');
const { SCREENSHOTS, describeInBrowser, useBrowser } = await import('../support/browser.js');

const SENTENCE = 'Staff sign-in is unavailable: sessions store is down';

beforeAll(async () => {
  await connectRedis();
  await resetState();
  await loadAdminPanel();
});
const web = useBrowser(() => createRequestListener());
afterAll(async () => {
  redis.disconnect();
  await privateRedis.kill();
  await sequelize.close();
});

/** Waits (up to 10 s) until the Redis client's state is `ready`. */
async function redisBecomes(ready: boolean): Promise<void> {
  await expect.poll(() => redisReady(), { timeout: 10_000, interval: 50 }).toBe(ready);
}

describeInBrowser('the staff panel in a browser through a Redis outage', () => {
  it('shows the outage page, then the login page again by itself, and signs in', async () => {
    await createUser({ email: 'boss@shop.test', password: STAFF_PASSWORD, role: 'admin' });
    const page = await web.browser.newPage();

    await page.goto(`${web.baseUrl}/admin/login`);
    await page.locator('form button').waitFor();

    await privateRedis.kill();
    await redisBecomes(false);
    const outage = await page.goto(`${web.baseUrl}/admin/login`);
    expect(outage?.status()).toBe(503);
    await expect.poll(() => page.locator('h1').innerText()).toBe(SENTENCE);
    expect(await page.locator('main').innerText()).toContain('The shop keeps serving customers');
    expect(await page.title()).toContain(SENTENCE);
    await page.screenshot({ path: `${SCREENSHOTS}admin-redis-down.png` });

    // Redis comes back; the page reloads itself (meta refresh, 15 s) into the login form.
    await privateRedis.spawn();
    await redisBecomes(true);
    await page.locator('form button').waitFor({ timeout: 20_000 });
    expect(page.url()).toBe(`${web.baseUrl}/admin/login`);

    const problems = watchProblems(page);
    await page.fill('input[name=email]', 'boss@shop.test');
    await page.fill('input[name=password]', STAFF_PASSWORD);
    await page.click('form button');
    await page.waitForURL(`${web.baseUrl}/admin`);
    await page.locator('[data-testid=orders-revenue-chart]').waitFor({ timeout: 15_000 });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
