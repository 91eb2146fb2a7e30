/**
 * Start-up of the real server process: the staff panel loads in the
 * background after the server listens, so /ready answers at once, a /admin
 * request that comes too early gets the "starting" page immediately (never
 * a long wait), and once the panel is ready the login page and the
 * components bundle are served quickly (in production: the bundle made at
 * build time, never rebuilt).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from './support/server-process.js';

let server: ServerProcess | undefined;
afterEach(() => {
  server?.child.kill('SIGKILL');
  server = undefined;
});

/** GET `path`: status, headers, text and how long it took. */
async function timedGet(port: number, path: string) {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, ms: performance.now() - started };
}

const panelReady = (target: ServerProcess) => target.logs.find((entry) => entry.msg === 'admin panel ready');

describe('a fresh server process', () => {
  it('answers /ready and /admin at once while the panel loads, then serves the panel', async () => {
    server = await startServer({ LOG_LEVEL: 'info' });
    const { port } = server;

    // Right after listen: neither waits for the panel.
    const [ready, admin] = await Promise.all([timedGet(port, '/ready'), timedGet(port, '/admin/login')]);
    expect(ready.status).toBe(200);
    expect(admin.ms).toBeLessThan(1_000);
    expect(panelReady(server), 'the panel loaded before the first requests: nothing was tested').toBeUndefined();
    expect(admin.status).toBe(503);
    expect(admin.headers.get('content-type')).toMatch(/^text\/html/);
    expect(admin.headers.get('retry-after')).toBe('2');
    expect(admin.text).toContain('The staff panel is starting; this page reloads in a few seconds');
    expect(admin.text).toMatch(/<meta http-equiv="refresh" content="2; url=\/admin\/login">/);
    // The panel's API gets a problem, as its frontend expects.
    const api = await timedGet(port, '/admin/api/resources/products/actions/list');
    expect(api.status).toBe(503);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(api.text)).toMatchObject({ status: 503, detail: expect.stringContaining('is starting') });

    // /ready keeps answering during the load: the slowest answer is about the longest event-loop block.
    const readyTimes: number[] = [];
    while (!panelReady(server)) {
      const probe = await timedGet(port, '/ready');
      expect(probe.status).toBe(200);
      readyTimes.push(probe.ms);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const loaded = panelReady(server) as { load_ms: number; longest_block_ms: number };
    const slowestReady = Math.round(Math.max(...readyTimes));
    console.info(
      `panel load ${loaded.load_ms} ms, longest block ${loaded.longest_block_ms} ms; ` +
        `${readyTimes.length} /ready probes during it, slowest ${slowestReady} ms`,
    );
    expect(readyTimes.length).toBeGreaterThan(1);
    expect(slowestReady).toBeLessThan(loaded.longest_block_ms + 500);

    // Loaded: the login page and the components bundle (built during the load) are quick.
    const login = await timedGet(port, '/admin/login');
    expect(login.status).toBe(200);
    expect(login.text).toContain('components.bundle.js');
    expect(login.ms).toBeLessThan(1_000);
    const bundle = await timedGet(port, '/admin/frontend/assets/components.bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(bundle.text).toContain('AdminJS.UserComponents');
    expect(bundle.ms).toBeLessThan(1_000);

    expect(server.stderr()).toBe('');
  }, 60_000);

  it('in production serves the bundle made at build time and builds none', async () => {
    const bundleDir = mkdtempSync(join(tmpdir(), 'emporium-admin-bundle-'));
    try {
      const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/admin-bundle.ts'], {
        env: { ...process.env, ADMIN_JS_TMP_DIR: bundleDir },
        encoding: 'utf8',
      });
      expect(build.status, build.stderr).toBe(0);
      const bundlePath = join(bundleDir, 'bundle.js');
      const builtAt = statSync(bundlePath).mtimeMs;

      server = await startServer({
        NODE_ENV: 'production',
        ADMIN_JS_SKIP_BUNDLE: 'true',
        ADMIN_JS_TMP_DIR: bundleDir,
        JWT_SECRET: randomBytes(48).toString('base64'),
        SESSION_SECRET: randomBytes(48).toString('base64'),
        LOG_LEVEL: 'info',
      });
      const early = await timedGet(server.port, '/admin/login');
      expect(early.ms).toBeLessThan(1_000);
      expect([200, 503]).toContain(early.status);
      await expect.poll(() => panelReady(server!), { timeout: 30_000, interval: 100 }).toBeDefined();

      const bundle = await timedGet(server.port, '/admin/frontend/assets/components.bundle.js');
      expect(bundle.status).toBe(200);
      expect(bundle.text).toContain('AdminJS.UserComponents');
      expect(bundle.ms).toBeLessThan(1_000);
      expect(statSync(bundlePath).mtimeMs).toBe(builtAt);
      expect(server.stderr()).toBe('');
    } finally {
      rmSync(bundleDir, { recursive: true, force: true });
    }
  }, 90_000);
});
