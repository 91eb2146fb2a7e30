/**
 * The panel's words for the shop's rules, in headless Chromium: a bad stock
 * or price shows the rule's message beside its field, and deleting a product
 * that is on orders says it was archived. Screenshots go to
 * artifacts/screenshots (git-ignored).
 */
import { expect, it } from 'vitest';
import { loadAdminPanel } from '../../src/admin/index.js';
import { Product } from '../../src/models/index.js';
import { PRICE, STOCK } from '../../src/rules.js';
import { watchProblems } from '../../scripts/chromium.js';
import { STAFF_PASSWORD } from '../support/admin.js';
import { userWithTokens } from '../support/auth.js';
import { SCREENSHOTS, describeInBrowser, useBrowser, signInToPanel } from '../support/browser.js';
import { useTestApp } from '../support/context.js';
import { createCategory, createProduct, createUser } from '../support/factories.js';
import { addToCart, checkout } from '../support/shop.js';

const ctx = useTestApp();
const web = useBrowser(() => ctx.app);

describeInBrowser('the shop rules in the panel', () => {
  it('shows refused values in words beside their fields, and an archive as an archive', async () => {
    await loadAdminPanel();
    const category = await createCategory({ name: 'Lighting' });
    const lamp = await createProduct(category.id, { name: 'Desk Lamp', price: '19.99', stock: 20 });
    const shopper = await userWithTokens(ctx.app);
    await addToCart(ctx.app, shopper.tokens.access_token, lamp.id, 1);
    await checkout(ctx.app, shopper.tokens.access_token);
    await createUser({ email: 'boss@shop.test', password: STAFF_PASSWORD, role: 'admin' });

    const page = await web.browser.newPage();
    page.setDefaultTimeout(30_000); // the first page load bundles the panel's components
    const problems = watchProblems(page);
    await signInToPanel(page, web.baseUrl, 'boss@shop.test');

    await page.goto(`${web.baseUrl}/admin/resources/products/records/${lamp.id}/edit`);
    await page.locator('input[name=stock]').fill('-1');
    await page.locator('input[name=price]').fill('19.999');
    await page.locator('[data-testid=button-save]').click();
    await expect.poll(() => page.locator('form').innerText()).toContain(STOCK.message);
    const form = await page.locator('form').innerText();
    expect(form).toContain(PRICE.message);
    expect(form).not.toMatch(/Validation \w+ on \w+ failed/);
    await page.screenshot({ path: `${SCREENSHOTS}admin-rules-in-words.png`, fullPage: true });
    expect((await Product.findByPk(lamp.id))!.stock).toBe(19);

    await page.goto(`${web.baseUrl}/admin/resources/products/records/${lamp.id}/show`);
    await page.locator('[data-testid=action-delete]').first().click();
    await page.getByRole('button', { name: /^confirm$/i }).click();
    await expect
      .poll(() => page.locator('body').innerText())
      .toContain('Archived: this product is on orders, so it was hidden from the shop');
    await page.screenshot({ path: `${SCREENSHOTS}admin-archive-notice.png`, fullPage: true });
    expect((await Product.findByPk(lamp.id))!.archived).toBe(true);

    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
