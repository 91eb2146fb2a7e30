/**
 * The audit log read in headless Chromium: staff edit a product's price and
 * stock, then read the change in the audit list's summary, on the entry's
 * page (a before → after table, money in the shop's currency, the product's
 * name linked to its page) and on the dashboard's activity card.
 * Screenshots go to artifacts/screenshots (git-ignored).
 */
import { expect, it } from 'vitest';
import { loadAdminPanel } from '../../src/admin/index.js';
import { config } from '../../src/config.js';
import { AdminLog, Product } from '../../src/models/index.js';
import { LOW_STOCK_HREF } from '../../src/services/dashboard-service.js';
import { watchProblems } from '../../scripts/chromium.js';
import { STAFF_PASSWORD } from '../support/admin.js';
import { SCREENSHOTS, describeInBrowser, useBrowser, signInToPanel } from '../support/browser.js';
import { useTestApp } from '../support/context.js';
import { createCategory, createProduct, createUser } from '../support/factories.js';

const ctx = useTestApp();
const web = useBrowser(() => ctx.app);

const SUMMARY = 'price 12.50 → 14.99, stock 7 → 3';

describeInBrowser('the audit log in a browser', () => {
  it('shows an edit as a summary in the list, a before → after table on its page, and on the dashboard', async () => {
    await loadAdminPanel();
    const category = await createCategory({ name: 'Lighting' });
    const lamp = await createProduct(category.id, { name: 'Desk Lamp', price: '12.50', stock: 7 });
    await createUser({ username: 'ada', email: 'ada@shop.test', password: STAFF_PASSWORD, role: 'admin' });

    const page = await web.browser.newPage();
    page.setDefaultTimeout(30_000); // the first page load bundles the panel's components
    const problems = watchProblems(page);
    await signInToPanel(page, web.baseUrl, 'ada@shop.test');

    // Edit the lamp's price and stock.
    await page.goto(`${web.baseUrl}/admin/resources/products/records/${lamp.id}/edit`);
    await page.locator('input[name=price]').fill('14.99');
    await page.locator('input[name=stock]').fill('3');
    await page.locator('[data-testid=button-save]').click();
    await page.waitForURL(/\/admin\/resources\/products(\/records\/\d+\/show)?(\?|$)/);
    await expect.poll(async () => (await Product.findByPk(lamp.id))!.stock).toBe(3);
    const entry = (await AdminLog.findOne({ where: { action: 'edit' } }))!;

    // The list: when, admin, action, target, summary.
    await page.goto(`${web.baseUrl}/admin/resources/admin_logs`);
    const row = page.locator('table tbody tr').first();
    await row.waitFor();
    await expect.poll(() => row.innerText()).toContain(SUMMARY);
    const rowText = await row.innerText();
    expect(rowText).toContain('ada');
    expect(rowText).toContain('Edited');
    expect(rowText).toContain('Desk Lamp');
    await page.screenshot({ path: `${SCREENSHOTS}admin-audit-list.png`, fullPage: true });

    // Its page: the target linked by name, the admin, the action, and the changes table.
    await page.goto(`${web.baseUrl}/admin/resources/admin_logs/records/${entry.id}/show`);
    const changes = page.locator('[data-testid=audit-changes]');
    await changes.waitFor();
    const money = (amount: number) =>
      page.evaluate(
        ([value, currency]) => new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value),
        [amount, config.admin.currency] as [number, string],
      );
    const price = page.locator('[data-testid=audit-change-price]');
    expect((await price.innerText()).split('\t').map((cell) => cell.trim())).toEqual([
      'Price',
      await money(12.5),
      await money(14.99),
    ]);
    const stock = page.locator('[data-testid=audit-change-stock]');
    expect((await stock.innerText()).split('\t').map((cell) => cell.trim())).toEqual(['Stock', '7', '3']);
    const target = page.locator('[data-testid=audit-target-link]');
    expect(await target.innerText()).toBe('Desk Lamp');
    expect(await target.getAttribute('href')).toBe(`/admin/resources/products/records/${lamp.id}/show`);
    expect(await page.locator('[data-testid=audit-admin-link]').innerText()).toBe('ada');
    expect(await page.locator('[data-testid=audit-action]').innerText()).toBe('Edited');
    await page.screenshot({ path: `${SCREENSHOTS}admin-audit-show.png`, fullPage: true });

    // The target link leads to the product's page.
    await target.click();
    await page.waitForURL(new RegExp(`/admin/resources/products/records/${lamp.id}/show`));

    // The dashboard's activity card says the same.
    await page.goto(`${web.baseUrl}/admin`);
    const activity = page.locator('[data-testid=recent-activity]');
    await expect.poll(() => activity.innerText()).toContain(`ada edited product Desk Lamp: ${SUMMARY}`);
    expect(await activity.locator('a', { hasText: 'Desk Lamp' }).getAttribute('href')).toBe(
      `/admin/resources/products/records/${lamp.id}/show`,
    );
    // The low-stock card (the lamp is now at 3) counts them all and links to the list of all of them.
    expect(await page.locator('[data-testid=low-stock-count]').innerText()).toContain('1 of 1 shown');
    expect(await page.locator('[data-testid=low-stock-all]').getAttribute('href')).toBe(LOW_STOCK_HREF);
    await page.screenshot({ path: `${SCREENSHOTS}admin-audit-dashboard.png`, fullPage: true });

    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
