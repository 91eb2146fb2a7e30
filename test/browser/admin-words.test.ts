/**
 * The panel's words and layout in headless Chromium at 1366×768: every
 * resource's list and record page is titled in words (not "List" /
 * "Show") and shows no raw column labels ("User Id"); order status badges
 * have their own colours; the ship confirm page says what will happen;
 * money never wraps; the filtered orders list downloads as CSV.
 * Screenshots go to artifacts/screenshots (git-ignored).
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { expect, it } from 'vitest';
import { loadAdminPanel } from '../../src/admin/index.js';
import { RESOURCE_NAMES } from '../../src/admin/words.js';
import { AdminLog, Cart, Order, OrderItem, Review } from '../../src/models/index.js';
import { transitionOrder } from '../../src/services/order-service.js';
import { watchProblems } from '../../scripts/chromium.js';
import { STAFF_PASSWORD } from '../support/admin.js';
import { bearer, userWithTokens } from '../support/auth.js';
import { SCREENSHOTS, describeInBrowser, useBrowser, signInToPanel } from '../support/browser.js';
import { useTestApp } from '../support/context.js';
import { createCategory, createProduct, createUser } from '../support/factories.js';
import { addToCart, checkout, completedOrder, orderAction, staffActor } from '../support/shop.js';

const ctx = useTestApp();
const web = useBrowser(() => ctx.app);

/** The page's title: the action header's heading, without the record count badge beside it. */
const heading = (page: Page): Promise<string> =>
  page.evaluate<string>(`(() => {
    const h2 = document.querySelector('.adminjs_ActionHeader h2');
    return h2 ? [...h2.childNodes].filter((node) => node.nodeType === 3).map((node) => node.textContent).join('').trim() : '';
  })()`);

/**
 * Lines of the page's main content that read as AdminJS's default label of
 * one of the resource's columns ("User Id", "Created At", "Id"), computed in
 * the page from the resources it was handed.
 */
const rawLabels = (page: Page, resourceId: string): Promise<string[]> =>
  page.evaluate<string[]>(`(() => {
    const resource = window.REDUX_STATE.resources.find((r) => r.id === ${JSON.stringify(resourceId)});
    const startCase = (name) => name.split(/[_\\s]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
    const raw = new Set(resource.properties ? Object.keys(resource.properties).map(startCase) : []);
    for (const list of [resource.listProperties, resource.showProperties, resource.filterProperties, resource.editProperties])
      for (const property of list) raw.add(startCase(property.propertyPath));
    const main = document.querySelector('section[data-css="app-content"]') || document.body;
    return main.innerText.split('\\n').map((line) => line.trim()).filter((line) => raw.has(line) && line.includes(' ') || line === 'Id');
  })()`);

/** The computed background colour of the first badge of `status`. */
const badgeColour = (page: Page, status: string): Promise<string> =>
  page.evaluate<string>(
    `getComputedStyle(document.querySelector('[data-testid=status-badge][data-status=${status}]')).backgroundColor`,
  );

/** For every money cell: [its text, its rendered line count]. */
const moneyLines = (page: Page): Promise<[string, number][]> =>
  page.evaluate<[string, number][]>(`[...document.querySelectorAll('[data-testid=money]')].map((cell) => {
    const lineHeight = parseFloat(getComputedStyle(cell).lineHeight) || cell.getClientRects()[0].height;
    return [cell.innerText, Math.round(cell.getBoundingClientRect().height / lineHeight)];
  })`);

describeInBrowser('panel words and layout in a browser', () => {
  it('titles, labels, badges, confirm words, unwrapped money and the CSV download', async () => {
    await loadAdminPanel();
    const category = await createCategory({ name: 'Lighting' });
    const lamp = await createProduct(category.id, { name: 'Desk Lamp', price: '12345.67', stock: 50 });
    const bulb = await createProduct(category.id, { name: 'Bulb', price: '2.50', stock: 50 });
    const shopper = await userWithTokens(ctx.app);
    const token = shopper.tokens.access_token;
    // A paid order (3 lamps, 1 bulb), a shipped one, and a completed one with a review.
    await addToCart(ctx.app, token, lamp.id, 3);
    await addToCart(ctx.app, token, bulb.id, 1);
    const paid = await checkout(ctx.app, token);
    await orderAction(ctx.app, token, paid.id, 'pay').expect(200);
    await addToCart(ctx.app, token, bulb.id, 2);
    const shipped = await checkout(ctx.app, token);
    await orderAction(ctx.app, token, shipped.id, 'pay').expect(200);
    await transitionOrder(shipped.id, 'ship', await staffActor());
    const done = await completedOrder(ctx.app, token, [{ productId: lamp.id }]);
    await request(ctx.app)
      .post('/api/v1/reviews')
      .set('Authorization', bearer(token))
      .send({ order_id: done.id, product_id: lamp.id, rating: 4, content: 'Bright and steady. '.repeat(20) })
      .expect(201);
    await addToCart(ctx.app, token, bulb.id, 1); // a cart line
    await createUser({ email: 'boss@shop.test', password: STAFF_PASSWORD, role: 'admin' });

    const page = await web.browser.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    page.setDefaultTimeout(30_000); // the first page load bundles the panel's components
    const problems = watchProblems(page);
    await signInToPanel(page, web.baseUrl, 'boss@shop.test');

    // Every resource: its list and one record's page, titled and labelled in words.
    const firstIds: Record<string, number | undefined> = {
      products: lamp.id,
      categories: category.id,
      orders: paid.id,
      order_items: (await OrderItem.findOne())?.id,
      reviews: (await Review.findOne())?.id,
      users: shopper.user.id,
      carts: (await Cart.findOne())?.id,
      admin_logs: (await AdminLog.findOne())?.id,
    };
    expect(Object.keys(firstIds).sort()).toEqual(Object.keys(RESOURCE_NAMES).sort());
    for (const [resourceId, recordId] of Object.entries(firstIds)) {
      const name = RESOURCE_NAMES[resourceId]!;
      await page.goto(`${web.baseUrl}/admin/resources/${resourceId}`);
      await page.locator('table tbody tr').first().waitFor();
      await expect.poll(() => heading(page), { message: `${resourceId} list` }).toBe(name.many);
      expect(await rawLabels(page, resourceId), `${resourceId} list`).toEqual([]);
      expect(recordId, `a ${resourceId} record`).toBeDefined();
      await page.goto(`${web.baseUrl}/admin/resources/${resourceId}/records/${recordId}/show`);
      await expect.poll(() => heading(page), { message: `${resourceId} page` }).toBe(`${name.one} details`);
      expect(await rawLabels(page, resourceId), `${resourceId} page`).toEqual([]);
    }

    // The forms of the resources staff edit: "Add product", "Edit account", ...
    for (const [resourceId, recordId] of [
      ['products', lamp.id],
      ['categories', category.id],
      ['users', shopper.user.id],
    ] as const) {
      const one = RESOURCE_NAMES[resourceId]!.one.toLowerCase();
      await page.goto(`${web.baseUrl}/admin/resources/${resourceId}/actions/new`);
      await expect.poll(() => heading(page), { message: `${resourceId} new` }).toBe(`Add ${one}`);
      await page.goto(`${web.baseUrl}/admin/resources/${resourceId}/records/${recordId}/edit`);
      await expect.poll(() => heading(page), { message: `${resourceId} edit` }).toBe(`Edit ${one}`);
      expect(await rawLabels(page, resourceId), `${resourceId} edit`).toEqual([]);
    }

    // The orders list: coloured badges, the customer by name, money on one line.
    await page.goto(`${web.baseUrl}/admin/resources/orders`);
    await page.locator('[data-testid=status-badge][data-status=shipped]').waitFor();
    const [paidColour, shippedColour, completedColour] = [
      await badgeColour(page, 'paid'),
      await badgeColour(page, 'shipped'),
      await badgeColour(page, 'completed'),
    ];
    expect(new Set([paidColour, shippedColour, completedColour]).size).toBe(3);
    expect(await page.locator('[data-testid=status-badge][data-status=paid]').first().innerText()).toBe('Paid');
    expect(await page.locator('[data-testid=account]').first().innerText()).toContain(shopper.user.username);
    const listMoney = await moneyLines(page);
    expect(listMoney.length).toBeGreaterThanOrEqual(3);
    for (const [text, lines] of listMoney) expect(lines, text).toBe(1);
    expect(listMoney.map(([text]) => text)).toContain('$37,039.51'); // 3 × 12,345.67 + 2.50
    await page.screenshot({ path: `${SCREENSHOTS}admin-orders.png`, fullPage: true });

    // Products: money on one line too.
    await page.goto(`${web.baseUrl}/admin/resources/products`);
    await page.locator('[data-testid=money]').first().waitFor();
    for (const [text, lines] of await moneyLines(page)) expect(lines, text).toBe(1);

    // The order's page: lines with money in the currency, badge, customer.
    await page.goto(`${web.baseUrl}/admin/resources/orders/records/${paid.id}/show`);
    await expect.poll(() => page.locator('[data-testid=order-items]').innerText()).toContain('$12,345.67');
    expect(await page.locator('[data-testid=order-items]').innerText()).toContain('$37,037.01');
    for (const [text, lines] of await moneyLines(page)) expect(lines, text).toBe(1);
    await page.locator('[data-testid=status-badge][data-status=paid]').waitFor();
    expect(await page.locator('body').innerText()).toMatch(/Total\s+\$37,039\.51/);
    await page.screenshot({ path: `${SCREENSHOTS}admin-order.png`, fullPage: true });

    // The ship and cancel confirm pages say what will happen.
    await page.goto(`${web.baseUrl}/admin/resources/orders/records/${paid.id}/ship`);
    await expect
      .poll(() => page.locator('[data-testid=confirm-text]').innerText())
      .toBe(`Order #${paid.id} will be marked shipped and the customer will see it. This cannot be undone.`);
    expect(await heading(page)).toBe('Ship order');
    expect(await page.locator('.adminjs_Breadcrumbs').innerText()).toMatch(/Orders\s*\/?\s*Ship order$/);
    expect(await page.locator('[data-testid=confirm-action]').innerText()).toBe('Ship order');
    await page.goto(`${web.baseUrl}/admin/resources/orders/records/${paid.id}/cancel`);
    await expect
      .poll(() => page.locator('[data-testid=confirm-text]').innerText())
      .toBe(`Order #${paid.id} will be cancelled and its 4 units of 2 products put back in stock.`);
    expect((await Order.findByPk(paid.id))!.status).toBe('paid');

    // Reviews: the text truncated with the whole on hover, stars with their words.
    await page.goto(`${web.baseUrl}/admin/resources/reviews`);
    const text = page.locator('[data-testid=review-text]').first();
    await text.waitFor();
    expect(await text.getAttribute('title')).toBe('Bright and steady. '.repeat(20));
    expect(await page.locator('[data-testid=stars]').first().getAttribute('aria-label')).toBe('4 of 5');
    const review = await page.locator('table tbody tr').first().innerText();
    expect(review).toContain('Desk Lamp');
    expect(review).toContain(shopper.user.username);
    await page.screenshot({ path: `${SCREENSHOTS}admin-reviews.png` });

    // Users: the role badge.
    await page.goto(`${web.baseUrl}/admin/resources/users`);
    await page.locator('[data-testid=status-badge][data-status=admin]').first().waitFor();
    expect(await badgeColour(page, 'admin')).not.toBe(await badgeColour(page, 'customer'));

    // CSV of the filtered list: the drawer keeps the filter, the link downloads the file.
    await page.goto(`${web.baseUrl}/admin/resources/orders?filters.status=shipped`);
    await page.locator('table tbody tr').first().waitFor();
    await page.locator('[data-testid=action-exportCsv]').click();
    const link = page.locator('[data-testid=csv-download]');
    await link.waitFor();
    expect(await page.locator('[data-testid=csv-export]').innerText()).toContain('Status: shipped');
    await page.screenshot({ path: `${SCREENSHOTS}admin-csv-export.png` });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    const rows = csv.trimEnd().split('\r\n');
    expect(rows[0]!.startsWith('Order,Customer e-mail,')).toBe(true);
    expect(rows.slice(1).map((row) => Number(row.split(',')[0]))).toEqual([shipped.id]);

    // Ship selected: all three orders selected, only the paid one is shipped, and the notice says so.
    await page.goto(`${web.baseUrl}/admin/resources/orders`);
    await page.locator('table tbody tr').first().waitFor();
    await page.locator('table thead input[type=checkbox]').check({ force: true });
    await page.locator('[data-testid=action-shipSelected]').click();
    await expect
      .poll(() => page.locator('[data-testid=confirm-text]').innerText())
      .toMatch(/^Each selected order that is paid will be marked shipped/);
    expect(await page.locator('[data-testid=confirm-selection]').innerText()).toContain(`#${paid.id}`);
    await page.screenshot({ path: `${SCREENSHOTS}admin-ship-selected.png`, fullPage: true });
    await page.locator('[data-testid=confirm-action]').click();
    await expect.poll(async () => (await Order.findByPk(paid.id))!.status).toBe('shipped');
    await expect
      .poll(() => page.locator('body').innerText())
      .toContain('Shipped 1 order. 2 were not paid and were left as they were.');
    expect(await AdminLog.count({ where: { action: 'ship', target_id: String(paid.id) } })).toBe(1);

    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);
});
