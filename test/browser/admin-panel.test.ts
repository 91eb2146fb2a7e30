/**
 * The staff panel in headless Chromium: log in, the dashboard chart renders,
 * edit a product, ship an order, and find both in the audit log, with no
 * page errors. Screenshots go to artifacts/screenshots (git-ignored).
 */
import request from 'supertest';
import { expect, it } from 'vitest';
import { loadAdminPanel } from '../../src/admin/index.js';
import { AdminLog, Order, Product } from '../../src/models/index.js';
import { watchProblems } from '../../scripts/chromium.js';
import { STAFF_PASSWORD } from '../support/admin.js';
import { userWithTokens } from '../support/auth.js';
import { SCREENSHOTS, describeInBrowser, useBrowser, signInToPanel } from '../support/browser.js';
import { useTestApp } from '../support/context.js';
import { createCategory, createProduct, createUser } from '../support/factories.js';
import { addToCart, checkout, orderAction } from '../support/shop.js';

const ctx = useTestApp();
const web = useBrowser(() => ctx.app);

describeInBrowser('admin panel in a browser', () => {
  it('logs in, shows the dashboard, edits a product, ships an order, and audits both', async () => {
    await loadAdminPanel();
    const category = await createCategory({ name: 'Lighting' });
    const lamp = await createProduct(category.id, { name: 'Desk Lamp', price: '19.99', stock: 20 });
    await createProduct(category.id, { name: 'Last Bulb', price: '2.50', stock: 1 });
    const shopper = await userWithTokens(ctx.app);
    await addToCart(ctx.app, shopper.tokens.access_token, lamp.id, 2);
    const order = await checkout(ctx.app, shopper.tokens.access_token);
    await orderAction(ctx.app, shopper.tokens.access_token, order.id, 'pay').expect(200);
    await createUser({ email: 'boss@shop.test', password: STAFF_PASSWORD, role: 'admin' });

    const page = await web.browser.newPage();
    page.setDefaultTimeout(30_000); // the first page load bundles the panel's components
    const problems = watchProblems(page);

    await signInToPanel(page, web.baseUrl, 'boss@shop.test');

    const chart = page.locator('[data-testid=orders-revenue-chart]');
    await chart.waitFor();
    expect(await chart.locator('rect').count()).toBe(30);
    await expect.poll(() => page.locator('[data-testid=today-orders]').innerText()).toContain('1');
    await expect.poll(() => page.locator('[data-testid=low-stock]').innerText()).toContain('Last Bulb');
    await page.screenshot({ path: `${SCREENSHOTS}admin-dashboard.png`, fullPage: true });

    // Edit the lamp's price.
    await page.goto(`${web.baseUrl}/admin/resources/products/records/${lamp.id}/edit`);
    const price = page.locator('input[name=price]');
    await price.fill('24.99');
    await page.locator('[data-testid=button-save]').click();
    await page.waitForURL(/\/admin\/resources\/products(\?|$)/);
    expect((await Product.findByPk(lamp.id))!.price).toBe('24.99');
    const api = await request(ctx.app).get(`/api/v1/products/${lamp.id}`).expect(200);
    expect(api.body.price).toBe('24.99');

    // Ship the order from its page.
    await page.goto(`${web.baseUrl}/admin/resources/orders/records/${order.id}/show`);
    await expect.poll(() => page.locator('[data-testid=order-items]').innerText()).toContain('Desk Lamp');
    await page.screenshot({ path: `${SCREENSHOTS}admin-order.png`, fullPage: true });
    await page.goto(`${web.baseUrl}/admin/resources/orders/records/${order.id}/ship`);
    await page.locator('[data-testid=confirm-action]').click();
    await page.waitForURL(new RegExp(`/admin/resources/orders/records/${order.id}/show`));
    await expect.poll(async () => (await Order.findByPk(order.id))!.status).toBe('shipped');

    // Both changes are in the audit log, newest first.
    await page.goto(`${web.baseUrl}/admin/resources/admin_logs`);
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    const text = await page.locator('table tbody').innerText();
    expect(text).toMatch(new RegExp(`Shipped[\\s\\S]*Order #${order.id}[\\s\\S]*status paid → shipped`));
    expect(text).toMatch(/Edited[\s\S]*Desk Lamp[\s\S]*price 19\.99 → 24\.99/);
    expect((await AdminLog.findAll({ order: [['id', 'ASC']] })).map((row) => row.action)).toEqual(['edit', 'ship']);
    await page.screenshot({ path: `${SCREENSHOTS}admin-audit-log.png`, fullPage: true });

    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
