/**
 * Renders the API docs in headless Chromium and saves screenshots:
 *
 *   npm run docs:screenshots [-- --base-url http://127.0.0.1:8000] [--out artifacts/screenshots]
 *
 * Needs a running server (npm start) and Debian's Chromium
 * (`apt-get install -y chromium`). Checks that Swagger UI (/docs) and ReDoc
 * (/redoc) render the spec with the categories endpoint listed, that the
 * admin panel's login form renders (/admin/login), and that no
 * page raised an error or hit the Content-Security-Policy; exits 1 otherwise.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string', default: 'http://127.0.0.1:8000' },
    out: { type: 'string', default: 'artifacts/screenshots' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
const baseUrl = values['base-url'].replace(/\/$/, '');
const outDir = resolve(values.out);

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

/** Hosts the pages try to reach that an offline machine cannot: fonts and ReDoc's logo. */
const OFFLINE_NOISE = /^(fonts\.googleapis\.com|fonts\.gstatic\.com|cdn\.redoc\.ly)$/;

interface Check {
  name: string;
  path: string;
  /** Resolves once the page shows what it must show. */
  ready: (page: Page) => Promise<void>;
}

const checks: Check[] = [
  {
    name: 'swagger-ui',
    path: '/docs/',
    ready: async (page) => {
      await page.locator('.opblock-summary-path', { hasText: '/api/v1/categories' }).first().waitFor();
      await page.locator('.info .title', { hasText: 'Emporium API' }).waitFor();
    },
  },
  {
    name: 'redoc',
    path: '/redoc',
    ready: async (page) => {
      await page.locator('h2', { hasText: 'List categories' }).first().waitFor();
      await page.locator('h1', { hasText: 'Emporium API' }).waitFor();
    },
  },
  {
    name: 'admin-login',
    path: '/admin/login',
    ready: async (page) => {
      await page.locator('form input[name=email]').waitFor();
      await page.locator('form button').waitFor();
    },
  },
];

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const context = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'emporium-chromium-')), {
    executablePath: values.chromium,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const failures: string[] = [];
  try {
    for (const check of checks) {
      const page = await context.newPage();
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
        // This machine has no outside network: web fonts cannot load. That is noise, not a defect.
        if (!OFFLINE_NOISE.test(new URL(request.url()).host)) problems.push(`request failed: ${request.url()}`);
      });
      const response = await page.goto(`${baseUrl}${check.path}`, { waitUntil: 'load' });
      if (!response?.ok()) problems.push(`HTTP ${response?.status()}`);
      try {
        await check.ready(page);
      } catch (error) {
        problems.push(`did not render: ${(error as Error).message.split('\n')[0]}`);
      }
      const file = join(outDir, `${check.name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${check.path} -> ${file}`);
      for (const problem of problems) console.log(`     ${problem}`);
      if (problems.length > 0) failures.push(check.name);
      await page.close();
    }
  } finally {
    await context.close();
  }
  if (failures.length > 0) {
    console.error(`docs screenshots failed: ${failures.join(', ')}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
