/**
 * The last admin refused, in Chromium: the only admin opens his own edit
 * page, sets his role to customer, confirms, saves, and reads why it was
 * refused; nothing changes. Without the confirmation he is asked for it
 * first. Screenshot: artifacts/screenshots/admin-last-admin.png.
 */
import { expect, it } from 'vitest';
import { loadAdminPanel } from '../../src/admin/index.js';
import { AdminLog, User } from '../../src/models/index.js';
import { watchProblems } from '../../scripts/chromium.js';
import { OWN_DEMOTION_REFUSED } from '../../src/services/staff-guard.js';
import { STAFF_PASSWORD } from '../support/admin.js';
import { SCREENSHOTS, describeInBrowser, useBrowser, signInToPanel } from '../support/browser.js';
import { useTestApp } from '../support/context.js';
import { createUser } from '../support/factories.js';

const ctx = useTestApp();
const web = useBrowser(() => ctx.app);

describeInBrowser('the last admin in a browser', () => {
  it('refuses the only admin demoting himself, in words, and asks before any self-demotion', async () => {
    await loadAdminPanel();
    const boss = await createUser({
      username: 'boss',
      email: 'boss@shop.test',
      password: STAFF_PASSWORD,
      role: 'admin',
    });
    const shopper = await createUser({ username: 'shopper' });

    const page = await web.browser.newPage();
    page.setDefaultTimeout(30_000); // the first page load bundles the panel's components
    const problems = watchProblems(page);
    await signInToPanel(page, web.baseUrl, 'boss@shop.test');

    // Someone else's account has no confirmation checkbox.
    await page.goto(`${web.baseUrl}/admin/resources/users/records/${shopper.id}/edit`);
    await page.locator('[data-testid=property-edit-role]').waitFor();
    expect(await page.locator('[data-testid=confirm-own-demotion]').count()).toBe(0);

    await page.goto(`${web.baseUrl}/admin/resources/users/records/${boss.id}/edit`);
    const confirm = page.locator('[data-testid=confirm-own-demotion]');
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain('Yes, remove my own admin access');

    // Role: customer (AdminJS's select: open it, pick the option).
    await page.locator('[data-testid=property-edit-role] [class*=control]').click();
    await page.getByRole('option', { name: /customer/i }).click();

    // Without the confirmation: asked first.
    await page.locator('[data-testid=button-save]').click();
    await expect.poll(() => page.locator('body').innerText()).toContain(OWN_DEMOTION_REFUSED);

    // Confirmed: the database's rule answers, in words.
    await confirm.locator('label').click();
    await page.locator('[data-testid=button-save]').click();
    await expect
      .poll(() => page.locator('body').innerText())
      .toContain('At least one active admin must remain: boss is the last one.');
    expect(page.url()).toContain(`/users/records/${boss.id}/edit`);
    await page.screenshot({ path: `${SCREENSHOTS}admin-last-admin.png`, fullPage: true });

    const row = await User.findByPk(boss.id);
    expect({ role: row!.role, is_active: row!.is_active }).toEqual({ role: 'admin', is_active: true });
    expect(await AdminLog.count()).toBe(0);
    // Still signed in.
    await page.goto(`${web.baseUrl}/admin/resources/users`);
    await page.locator('[data-testid=property-list-username]').first().waitFor();
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});
