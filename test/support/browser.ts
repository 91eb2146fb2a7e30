/**
 * Browser tests run the real app on a free port and drive Debian's Chromium.
 * Without Chromium they are skipped on a developer machine (with a note) but
 * fail in CI, where .ci/run installs it.
 */
import type { AddressInfo } from 'node:net';
import { type RequestListener, type Server, createServer } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { chromiumInstalled, launchChromium } from '../../scripts/chromium.js';
import { STAFF_PASSWORD } from './admin.js';

/** Folder for screenshots (git-ignored). */
export const SCREENSHOTS = new URL('../../artifacts/screenshots/', import.meta.url).pathname;

const available = chromiumInstalled();
if (!available && process.env.CI) {
  throw new Error('Chromium is required for the browser tests in CI: apt-get install -y chromium');
}
if (!available) console.warn('browser tests skipped: install Chromium with `apt-get install -y chromium`');

/** `describe` that runs only where Chromium is installed. */
export const describeInBrowser = available ? describe : describe.skip;

/** Serves `app` on a free port and opens a browser for the file's tests. */
export function useBrowser(app: () => RequestListener): { baseUrl: string; browser: BrowserContext } {
  const handle = {} as { baseUrl: string; browser: BrowserContext; server: Server };
  beforeAll(async () => {
    handle.server = createServer(app()).listen(0, '127.0.0.1');
    await new Promise((resolve) => handle.server.once('listening', resolve));
    handle.baseUrl = `http://127.0.0.1:${(handle.server.address() as AddressInfo).port}`;
    handle.browser = await launchChromium();
    // Fail a step in seconds, with its selector, rather than the whole test at the timeout.
    handle.browser.setDefaultTimeout(8_000);
  });
  afterAll(async () => {
    await handle.browser?.close();
    await new Promise((resolve) => handle.server?.close(resolve));
  });
  return handle;
}

/** Signs `page` in to the staff panel as `email` (password STAFF_PASSWORD) and waits for the dashboard. */
export async function signInToPanel(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', STAFF_PASSWORD);
  await page.click('form button');
  await page.waitForURL(`${baseUrl}/admin`);
}
