/**
 * Finding products in the staff panel, in headless Chromium: a name typed in
 * capitals finds both lamps (one spelt with an accent), the dashboard's
 * low-stock link lists every low-stock product with the right count, the
 * stock filter is a from/to range, and the list reads in words (labels,
 * prices, thumbnails). Screenshots: artifacts/screenshots/admin-products*.png.
 */
import { expect, it } from 'vitest';
import { loadAdminPanel } from '../../src/admin/index.js';
import { Product } from '../../src/models/index.js';
import { watchProblems } from '../../scripts/chromium.js';
import { STAFF_PASSWORD } from '../support/admin.js';
import { SCREENSHOTS, describeInBrowser, useBrowser, signInToPanel } from '../support/browser.js';
import { useTestApp } from '../support/context.js';
import { userWithTokens } from '../support/auth.js';
import { createCategory, createProduct, createUser } from '../support/factories.js';
import { addToCart, checkout } from '../support/shop.js';

const ctx = useTestApp();
const web = useBrowser(() => ctx.app);

/** A 1x1 PNG, served for the products' (offline) image addresses. */
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAE/wH+oDI3WQAAAABJRU5ErkJggg==',
  'base64',
);
const IMAGES = 'https://images.emporium.test';

describeInBrowser('finding products in the panel', () => {
  it('finds LAMP in any spelling, lists all low-stock products, shows labels, prices and thumbnails', async () => {
    await loadAdminPanel();
    const lighting = await createCategory({ name: 'Lighting' });
    await createProduct(lighting.id, { name: 'Desk Lamp', price: '1234.50', stock: 20 });
    await Product.update({ image_url: `${IMAGES}/desk-lamp.png` }, { where: { name: 'Desk Lamp' } });
    await createProduct(lighting.id, { name: 'Lámpara de pie', price: '89.00', stock: 12 });
    await createProduct(lighting.id, { name: 'Office Chair', stock: 40 });
    for (let n = 0; n < 13; n += 1) await createProduct(lighting.id, { name: `Bulb ${n}`, stock: n % 6 });
    await Product.update({ archived: true }, { where: { name: 'Bulb 12' } });
    const lowStock = await Product.count({ where: { archived: false, stock: [0, 1, 2, 3, 4, 5] } });
    expect(lowStock).toBe(12);
    await createUser({ email: 'boss@shop.test', password: STAFF_PASSWORD, role: 'admin' });

    const page = await web.browser.newPage();
    page.setDefaultTimeout(30_000); // the first page load bundles the panel's components
    await page.route(`${IMAGES}/**`, (route) => route.fulfill({ contentType: 'image/png', body: PIXEL }));
    const problems = watchProblems(page);
    await signInToPanel(page, web.baseUrl, 'boss@shop.test');

    // Type LAMP into the name filter.
    await page.goto(`${web.baseUrl}/admin/resources/products`);
    await page.locator('td[data-property-name=name]').first().waitFor();
    await page.locator('[data-css=products-filter-button]').click();
    await page.locator('input[name=filter-name]').fill('LAMP');
    // Price and stock filter as a from/to range.
    await expect.poll(() => page.locator('[data-testid=range-stock-from]').count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid=range-price-to]').count()).toBe(1);
    await page.locator('button[type=submit]').last().click();
    await page.waitForURL(/filters\.name=LAMP/);
    const names = () => page.locator('td[data-property-name=name]').allInnerTexts();
    await expect.poll(async () => (await names()).sort()).toEqual(['Desk Lamp', 'Lámpara de pie']);

    // A stock range typed into the sidebar.
    await page.goto(`${web.baseUrl}/admin/resources/products`);
    await page.locator('[data-css=products-filter-button]').click();
    await page.locator('[data-testid=range-stock-from]').fill('12');
    await page.locator('[data-testid=range-stock-to]').fill('20');
    await page.waitForTimeout(500); // the drawer slides in: let it settle for the picture
    await page.screenshot({ path: `${SCREENSHOTS}admin-products-filter.png` });
    await page.locator('button[type=submit]').last().click();
    await page.waitForURL(/filters\.stock(~~|%7E%7E)from=12/); // URLSearchParams writes ~ as %7E
    await expect.poll(async () => (await names()).sort()).toEqual(['Desk Lamp', 'Lámpara de pie']);

    // The dashboard's low-stock link: every low-stock product, two pages, the count in the title.
    await page.goto(
      `${web.baseUrl}/admin/resources/products?filters.stock~~to=5&filters.archived=false&sortBy=stock&direction=asc`,
    );
    const title = page.locator('[data-css=products-list-action-header] h2');
    await expect.poll(() => title.innerText()).toMatch(new RegExp(`Products\\s*${lowStock}\\b`));
    await expect
      .poll(() => page.locator('td[data-property-name=stock]').allInnerTexts())
      .toEqual(['0', '0', '1', '1', '2', '2', '3', '3', '4', '4']);

    // Words, money and pictures on the full list.
    await page.goto(`${web.baseUrl}/admin/resources/products?sortBy=id&direction=asc`);
    await page.locator('td[data-property-name=name]').first().waitFor();
    const headers = (await page.locator('thead td').allTextContents()).map((text) => text.trim()).filter(Boolean);
    for (const label of ['ID', 'Image', 'Name', 'Price', 'Stock', 'Category', 'Archived', 'Rating', 'Units sold']) {
      expect(headers, label).toContain(label);
    }
    const body = await page.locator('body').innerText();
    expect(body).not.toMatch(/Category Id|Rating Avg|Sales Count|Image Url/);
    const firstRow = page.locator('table tbody tr').first();
    expect(await firstRow.locator('td[data-property-name=category_id]').innerText()).toContain('Lighting');
    const price = firstRow.locator('td[data-property-name=price] [data-testid=money]');
    expect(await price.innerText()).toMatch(/\$1,234\.50/);
    // Expressions run in the page as text: these tests compile without the DOM's types.
    const inPage = (expression: string) => page.evaluate(expression);
    const money = 'document.querySelector("td[data-property-name=price] [data-testid=money]")';
    expect(await inPage(`getComputedStyle(${money}).whiteSpace`)).toBe('nowrap');
    const thumbnails = page.locator('td[data-property-name=image_url] [data-testid=thumbnail]');
    expect(await thumbnails.count()).toBe(10);
    const lampPicture = firstRow.locator('img[data-testid=thumbnail]');
    expect(await lampPicture.getAttribute('alt')).toBe('Desk Lamp');
    expect(await lampPicture.getAttribute('loading')).toBe('lazy');
    const lampImage = 'document.querySelector("td[data-property-name=image_url] img[data-testid=thumbnail]")';
    await expect.poll(() => inPage(`${lampImage}.naturalWidth`)).toBe(1);
    const box = await lampPicture.boundingBox();
    expect([box?.width, box?.height]).toEqual([40, 40]);
    expect(await page.locator('[data-testid=thumbnail][data-empty=true]').count()).toBe(9);
    await page.screenshot({ path: `${SCREENSHOTS}admin-products.png`, fullPage: true });

    // The product's page: its picture, labelled fields, the category by name.
    const lamp = await Product.findOne({ where: { name: 'Desk Lamp' } });
    await page.goto(`${web.baseUrl}/admin/resources/products/records/${lamp!.id}/show`);
    const picture = page.locator('img[data-testid=thumbnail]');
    await picture.waitFor();
    expect((await picture.boundingBox())?.width).toBe(160);
    const show = await page.locator('body').innerText();
    for (const label of ['Image', 'Units sold', 'Rating', 'Category', 'Lighting', 'Added'])
      expect(show).toContain(label);
    expect(show).not.toMatch(/Category Id|Rating Avg/);

    // Categories read in words too.
    await page.goto(`${web.baseUrl}/admin/resources/categories`);
    await page.locator('td[data-property-name=name]').first().waitFor();
    expect(await page.locator('thead').textContent()).toContain('Position in menus');
    expect(await page.locator('body').innerText()).not.toMatch(/Sort Order/);

    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("finds a customer's orders by the e-mail typed into the orders filter", async () => {
    await loadAdminPanel();
    const category = await createCategory({ name: 'Garden' });
    const spade = await createProduct(category.id, { name: 'Spade', price: '25.00', stock: 10 });
    const grace = await userWithTokens(ctx.app, { username: 'grace', email: 'Grace.Hopper@example.test' });
    const other = await userWithTokens(ctx.app, { username: 'linus', email: 'linus@example.test' });
    for (const shopper of [grace, grace, other]) {
      await addToCart(ctx.app, shopper.tokens.access_token, spade.id, 1);
      await checkout(ctx.app, shopper.tokens.access_token);
    }
    await createUser({ email: 'clerk@shop.test', password: STAFF_PASSWORD, role: 'admin' });

    const page = await web.browser.newPage();
    page.setDefaultTimeout(30_000);
    const problems = watchProblems(page);
    await signInToPanel(page, web.baseUrl, 'clerk@shop.test');
    await page.goto(`${web.baseUrl}/admin/resources/orders`);
    await page.locator('td[data-property-name=id]').first().waitFor();
    await page.locator('[data-css=orders-filter-button]').click();
    await page.locator('input[name=filter-customer]').fill('GRACE.HOPPER@');
    await page.locator('button[type=submit]').last().click();
    await page.waitForURL(/filters\.customer=/);
    const customers = () => page.locator('td[data-property-name=user_id]').allInnerTexts();
    await expect.poll(async () => (await customers()).length).toBe(2);
    for (const text of await customers()) expect(text).toContain('grace');
    const title = page.locator('[data-css=orders-list-action-header] h2');
    await expect.poll(() => title.innerText()).toMatch(/Orders\s*2\b/);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
