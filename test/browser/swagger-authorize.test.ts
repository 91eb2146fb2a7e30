/**
 * In headless Chromium: Swagger UI's Authorize button logs a shopper in with
 * username and password (the OAuth2 password flow against /auth/login), and
 * a protected endpoint then answers 200 from "Try it out". ReDoc renders.
 */
import { expect, it } from 'vitest';
import { useTestApp } from '../support/context.js';
import { SCREENSHOTS, describeInBrowser, useBrowser } from '../support/browser.js';
import { TEST_PASSWORD } from '../support/auth.js';
import { createUser } from '../support/factories.js';
import { watchProblems } from '../../scripts/chromium.js';

const ctx = useTestApp();
const web = useBrowser(() => ctx.app);

describeInBrowser('API docs in a browser', () => {
  it("Swagger UI's Authorize logs in and GET /users/me then answers 200", async () => {
    await createUser({ username: 'grace', email: 'grace@example.com' });
    const page = await web.browser.newPage();
    const problems = watchProblems(page);
    await page.goto(`${web.baseUrl}/docs/`);

    await page.locator('.auth-wrapper .authorize').click();
    await page.locator('#oauth_username').fill('grace');
    await page.locator('#oauth_password').fill(TEST_PASSWORD);
    await page.locator('.auth-btn-wrapper .authorize').click();
    await page.locator('.auth-container', { hasText: 'Authorized' }).first().waitFor();
    await page.locator('.btn-done').first().click();

    const operation = page.locator('.opblock-get', { has: page.locator('[data-path="/api/v1/users/me"]') });
    await operation.locator('.opblock-summary').click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('.execute').click();
    const status = operation.locator('.live-responses-table .response .response-col_status');
    await status.first().waitFor();
    expect((await status.first().innerText()).trim()).toBe('200');
    await expect
      .poll(async () => operation.locator('.live-responses-table .microlight').first().innerText())
      .toContain('"username": "grace"');
    await operation.screenshot({ path: `${SCREENSHOTS}swagger-authorized.png` });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('ReDoc renders the spec with the auth endpoints', async () => {
    const page = await web.browser.newPage();
    const problems = watchProblems(page);
    await page.goto(`${web.baseUrl}/redoc`);
    await page.locator('h2', { hasText: 'Log in' }).first().waitFor();
    // Its "powered by" logo loads from this server (the bundle's CDN address is rewritten; the CSP blocks others).
    const logo = page.locator('img[alt="redocly logo"]');
    // naturalWidth is 0 until an image has loaded, and stays 0 when it failed.
    await expect.poll(() => logo.evaluate((img) => (img as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    expect(await logo.getAttribute('src')).toBe('/redoc/logo.svg');
    await page.screenshot({ path: `${SCREENSHOTS}redoc.png` });
    expect(problems).toEqual([]);
    await page.close();
  });
});
