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
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium, watchProblems } from './chromium.js';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string', default: 'http://127.0.0.1:8000' },
    out: { type: 'string', default: 'artifacts/screenshots' },
    chromium: { type: 'string', default: CHROMIUM_PATH },
  },
});
const baseUrl = values['base-url'].replace(/\/$/, '');
const outDir = resolve(values.out);

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
  const context = await launchChromium(values.chromium);
  const failures: string[] = [];
  try {
    for (const check of checks) {
      const page = await context.newPage();
      const problems = watchProblems(page);
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
