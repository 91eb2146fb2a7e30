/**
 * Launching Debian's Chromium through playwright-core, the way every browser
 * check in this repo does (never `npx playwright install`: no downloads).
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep Chromium quiet on a machine with no outside network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Hosts pages try to reach that an offline machine cannot: web fonts and ReDoc's footer logo. */
const OFFLINE_NOISE = /^(fonts\.googleapis\.com|fonts\.gstatic\.com|cdn\.redoc\.ly)$/;

/** True when Chromium is installed (`apt-get install -y chromium`). */
export const chromiumInstalled = (path = CHROMIUM_PATH): boolean => existsSync(path);

/** A fresh headless Chromium profile. */
export async function launchChromium(path = CHROMIUM_PATH): Promise<BrowserContext> {
  return chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'emporium-chromium-')), {
    executablePath: path,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
}

/**
 * Collects what goes wrong on a page: uncaught errors, console errors and
 * failed requests, minus the known noise of an offline machine.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    // Failed loads are judged by 'requestfailed' below, with their URL; ReDoc's
    // hard-coded footer logo on cdn.redoc.ly is blocked by our CSP and then hidden.
    if (
      message.type() === 'error' &&
      !text.startsWith('Failed to load resource: net::') &&
      !/cdn\.redoc\.ly/.test(text)
    ) {
      problems.push(`console: ${text}`);
    }
  });
  page.on('requestfailed', (request) => {
    // A request the page itself abandoned (it navigated away) is not a failure of the server.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    if (!OFFLINE_NOISE.test(new URL(request.url()).host))
      problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  return problems;
}
