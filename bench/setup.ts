/** What every benchmark run sets up: its database, the app as production runs it, the bare handlers, a staff session. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Server, recreateDatabase, run, startServer } from './processes.js';

/** The benchmark's own database (dropped and made again by every run). */
export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/emporium_bench';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
/** Where the processes' logs go. */
export const work = mkdtempSync(join(tmpdir(), 'emporium-bench-'));
/** Prints a line of the run's report. */
export const say = (line: string): void => console.log(line);

/** Environment of the app and baseline processes: production mode, fresh secrets, their own Redis keys. */
const env: NodeJS.ProcessEnv = {
  NODE_ENV: 'production',
  ADMIN_JS_SKIP_BUNDLE: 'true',
  JWT_SECRET: randomBytes(48).toString('base64url'),
  SESSION_SECRET: randomBytes(48).toString('base64url'),
  DATABASE_URL,
  REDIS_URL,
  REDIS_KEY_PREFIX: `emporium-bench-${process.pid}:`,
  LOG_LEVEL: 'info',
  // One client machine makes every request here: per-address limits would measure the limiter.
  AUTH_RATE_LIMIT: '100000',
  LOGIN_MAX_FAILURES: '1000',
  COOKIE_SECURE: 'false',
};

/** Runs seed:bulk (the time a shop's loader takes is a figure too). */
export async function seed(productCount: number, orderCount: number): Promise<number> {
  const started = performance.now();
  await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/seed-bulk.ts',
      '--products',
      String(productCount),
      ...(orderCount > 0 ? ['--orders', String(orderCount)] : []),
    ],
    { DATABASE_URL, NODE_ENV: 'development' },
  );
  return (performance.now() - started) / 1000;
}

/** Makes the database again: migrations, the demo seed, then seed:bulk; returns seed:bulk's seconds. */
export async function prepareDatabase(productCount: number, orderCount: number): Promise<number> {
  say(`preparing ${DATABASE_URL}: demo seed + seed:bulk of ${productCount} products and ${orderCount} orders …`);
  await recreateDatabase(DATABASE_URL);
  await run(process.execPath, ['db/migrate-and-seed.cjs'], {
    DATABASE_URL,
    NODE_ENV: 'development',
    SEED_DEMO_DATA: 'true',
    BCRYPT_COST: '4',
  });
  return seed(productCount, orderCount);
}

/** The app from dist/ as production starts it (scripts/serve.sh). */
export const startApp = (name: string, extra: NodeJS.ProcessEnv = {}): Promise<Server> =>
  startServer('sh', ['scripts/serve.sh'], { ...env, ...extra }, join(work, `${name}.log`));

/** The same V8 heap limit as scripts/serve.sh gives the app, so garbage collection weighs the same on both sides. */
const HEAP_FLAG = `--max-old-space-size=${process.env.NODE_MAX_OLD_SPACE_MB ?? '192'}`;

/** The bare handlers (caches off: they run the SQL every time). */
export const startBare = (): Promise<Server> =>
  startServer(
    process.execPath,
    [HEAP_FLAG, '--import', 'tsx', 'bench/baseline-server.ts', 'bare', '{port}'],
    { ...env, CACHE_TTL_SECONDS: '0' },
    join(work, 'bare.log'),
    '/api/v1/categories',
  );

/** Logs staff in to the panel; returns the session cookie. */
export async function staffCookie(app: Server): Promise<string> {
  const res = await fetch(`${app.url}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: 'admin@emporium.local', password: 'admin-dev-password' }),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (res.status !== 302 || !cookie) throw new Error(`staff login: ${res.status}`);
  return cookie;
}
