/**
 * `npm run bench [-- --products N] [--quick] [--json]`
 *
 * Starts everything it needs (a benchmark database seeded with seed:bulk, the
 * built app, and the baselines) and prints each figure as a ratio against a
 * baseline measured in the same run, A/B/A/B. `--json` adds one JSON line:
 * {"r1","r2","r3","race":{...},"search_p95_ms","rss_mb","ready_ms"}.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type LoadShape, type PairResult, comparePair, percentile } from './load.js';
import { PRODUCT_DETAIL } from '../src/services/product-service.js';
import { ROOT, type Server, killAll, peakRssMb, recreateDatabase, run, startServer } from './processes.js';
import { type RaceSeries, raceForLastUnits, raceSeries } from './race.js';

const { values } = parseArgs({
  options: {
    products: { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string' },
    rounds: { type: 'string' },
    sales: { type: 'string' },
    only: { type: 'string' },
  },
});
/** The figures this run measures (`--only r2,race`); all by default. r2p is r2 against a baseline that prepares too. */
const FIGURES = ['r1', 'r2', 'r2p', 'r3', 'race', 'search'] as const;
const only = new Set(values.only ? values.only.split(',') : FIGURES);
const unknownFigure = [...only].find((figure) => !(FIGURES as readonly string[]).includes(figure));
if (unknownFigure) throw new Error(`--only: unknown figure ${unknownFigure} (use ${FIGURES.join(', ')})`);
const quick = values.quick;
const products = Number(values.products ?? (quick ? 2_000 : 20_000));
const shape: LoadShape = {
  connections: Number(values.connections),
  duration: Number(values.duration ?? 1),
  rounds: Number(values.rounds ?? (quick ? 2 : 20)),
  warmup: quick ? 1 : 5,
};

/** Unmeasured sales before the race's measured ones. */
const WARMUP_SALES = 3;

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/emporium_bench';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const work = mkdtempSync(join(tmpdir(), 'emporium-bench-'));
const say = (line: string) => console.log(line);

/** Environment of every app and baseline process: production mode, fresh secrets, its own Redis keys. */
const env: NodeJS.ProcessEnv = {
  NODE_ENV: 'production',
  ADMIN_JS_SKIP_BUNDLE: 'true',
  JWT_SECRET: randomBytes(48).toString('base64url'),
  SESSION_SECRET: randomBytes(48).toString('base64url'),
  DATABASE_URL,
  REDIS_URL,
  REDIS_KEY_PREFIX: `emporium-bench-${process.pid}:`,
  LOG_LEVEL: 'info',
  AUTH_RATE_LIMIT: '100000',
  LOGIN_MAX_FAILURES: '1000',
  BCRYPT_COST: '4',
};

async function prepareDatabase(): Promise<void> {
  say(`preparing ${DATABASE_URL}: demo seed + ${products} bulk products …`);
  await recreateDatabase(DATABASE_URL);
  const seedEnv = { DATABASE_URL, NODE_ENV: 'development', SEED_DEMO_DATA: 'true', BCRYPT_COST: '4' };
  await run(process.execPath, ['db/migrate-and-seed.cjs'], seedEnv);
  await run(process.execPath, ['--import', 'tsx', 'scripts/seed-bulk.ts', '--products', String(products)], seedEnv);
}

/** The app from dist/ as production starts it (scripts/serve.sh), with extra environment. */
const startApp = (name: string, extra: NodeJS.ProcessEnv = {}): Promise<Server> =>
  startServer('sh', ['scripts/serve.sh'], { ...env, ...extra }, join(work, `${name}.log`));

/** The same V8 heap limit as scripts/serve.sh gives the app, so garbage collection weighs the same on both sides. */
const HEAP_FLAG = `--max-old-space-size=${process.env.NODE_MAX_OLD_SPACE_MB ?? '192'}`;

/** A baseline process (bench/baseline-server.ts). */
const startBaseline = (kind: string, extraArgs: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Promise<Server> =>
  startServer(
    process.execPath,
    [HEAP_FLAG, '--import', 'tsx', 'bench/baseline-server.ts', kind, '{port}', ...extraArgs],
    { ...env, ...extraEnv },
    join(work, `baseline-${kind}.log`),
    kind === 'static' ? '/api/v1/products' : kind.startsWith('pg') ? '/api/v1/products/1' : '/health',
  );

async function loginDemo(app: Server): Promise<string> {
  const res = await fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'demo', password: 'demo-shopper-password' }),
  });
  if (res.status !== 200) throw new Error(`demo login: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function searchP95(app: Server, db: pg.Client): Promise<number> {
  // Words from the catalog itself: one from a random product name, sometimes two.
  const { rows } = await db.query<{ name: string }>('SELECT name FROM products ORDER BY random() LIMIT 240');
  const words = rows.map((row, i) => {
    const parts = row.name.split(/\s+/).filter((word) => /^[A-Za-z]{4,}$/.test(word));
    return (i % 3 === 0 ? parts.slice(0, 2) : parts.slice(-1)).join(' ') || 'organic';
  });
  const latencies: number[] = [];
  for (const [i, q] of words.entries()) {
    const started = performance.now();
    const res = await fetch(`${app.url}/api/v1/products?q=${encodeURIComponent(q)}&page_size=20`);
    await res.arrayBuffer();
    if (i >= 40) latencies.push(performance.now() - started); // the first 40 warm PostgreSQL's buffers
  }
  return percentile(latencies, 95);
}

async function main(): Promise<void> {
  say(
    `emporium bench: ${products} products, ${shape.connections} connections, ${shape.duration}s per run${quick ? ' (quick)' : ''}`,
  );
  await run('npx', ['tsoa', 'routes', '-c', 'bench/tsoa.no-auth.json']);
  await prepareDatabase();
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const maxId = (await db.query<{ max: number }>('SELECT max(id)::int AS max FROM products')).rows[0]!.max;
  const demoId = (await db.query<{ id: number }>(`SELECT id FROM users WHERE username = 'demo'`)).rows[0]!.id;
  const randomProduct = () => `/api/v1/products/${1 + Math.floor(Math.random() * maxId)}`;

  const app = await startApp('app');
  say(`app ready in ${app.readyMs.toFixed(0)} ms (process start → /ready 200)`);

  // r1: a cached product list against a bare Express app sending the same bytes.
  let r1: PairResult | undefined;
  if (only.has('r1')) {
    const listPath = '/api/v1/products?page=1&page_size=20';
    const body = await (await fetch(`${app.url}${listPath}`)).text();
    writeFileSync(join(work, 'list.json'), body);
    const staticBaseline = await startBaseline('static', [join(work, 'list.json')]);
    r1 = await comparePair({ url: app.url, path: listPath }, { url: staticBaseline.url, path: listPath }, shape);
    await staticBaseline.stop();
  }

  // r2: product pages with caches off against bare Express + pg running the same SQL.
  // The app sends that SQL as a named prepared statement; r2's baseline sends the same text
  // unnamed (what a bare pg handler does), r2p's prepares it too: r2p is the app's overhead alone.
  let r2: PairResult | undefined;
  let r2p: PairResult | undefined;
  if (only.has('r2') || only.has('r2p')) {
    const uncached = await startApp('app-uncached', { CACHE_TTL_SECONDS: '0' });
    for (const kind of ['pg', 'pg-prepared'] as const) {
      if (!only.has(kind === 'pg' ? 'r2' : 'r2p')) continue;
      const pgBaseline = await startBaseline(kind);
      const pair = await comparePair(
        { url: uncached.url, path: randomProduct },
        { url: pgBaseline.url, path: randomProduct },
        shape,
      );
      if (kind === 'pg') r2 = pair;
      else r2p = pair;
      await pgBaseline.stop();
    }
    await uncached.stop();
  }

  // r3: GET /users/me with a token against the same app whose authentication only loads the user.
  let r3: PairResult | undefined;
  if (only.has('r3')) {
    const token = await loginDemo(app);
    const noAuth = await startBaseline('no-auth', [], { BENCH_USER_ID: String(demoId) });
    r3 = await comparePair(
      { url: app.url, path: '/api/v1/users/me', headers: { authorization: `Bearer ${token}` } },
      { url: noAuth.url, path: '/api/v1/users/me' },
      shape,
    );
    await noAuth.stop();
  }

  let race: RaceSeries | undefined;
  if (only.has('race')) {
    // Sales that are not measured warm the checkout path up, as a shop's process is warm when a
    // sale starts: 3 × 200 checkouts (the other figures warm up with 5 s of load, thousands of
    // requests); V8 optimises a function only after it has run many times.
    for (let i = 0; i < (quick ? 1 : WARMUP_SALES); i++) await raceForLastUnits(app, db, 200, 10);
    race = await raceSeries(app, db, { sales: Number(values.sales ?? (quick ? 1 : 5)), shoppers: 200, stock: 10 });
  }
  const search = only.has('search') ? await searchP95(app, db) : undefined;
  const rss = await peakRssMb(app.child.pid);
  await app.stop();
  await db.end();

  const rps = (runs: { requestsPerSecond: number }[]) =>
    (runs.reduce((sum, run) => sum + run.requestsPerSecond, 0) / runs.length).toFixed(0);
  const ratio = (pair: PairResult | undefined) => (pair ? pair.ratio.toFixed(2) : 'skipped');
  const detail = (pair: PairResult | undefined) =>
    pair
      ? `median of ${pair.roundRatios.length} A/B rounds (${Math.min(...pair.roundRatios).toFixed(2)}–${Math.max(...pair.roundRatios).toFixed(2)}); mean app ${rps(pair.app)} req/s, baseline ${rps(pair.baseline)}`
      : '';
  say('');
  say('| figure | measured | target | detail |');
  say('| --- | --- | --- | --- |');
  say(`| r1 cached list ÷ bare Express, same bytes | ${ratio(r1)} | ≥ 0.70 | ${detail(r1)} |`);
  say(`| r2 product page, caches off ÷ Express + pg | ${ratio(r2)} | ≥ 0.80 | ${detail(r2)} |`);
  say(`| r2p the same ÷ Express + pg, prepared too | ${ratio(r2p)} | (none) | ${detail(r2p)} |`);
  say(`| r3 /users/me with token ÷ without auth | ${ratio(r3)} | ≥ 0.85 | ${detail(r3)} |`);
  say(
    race
      ? `| race: 200 shoppers, stock 10 | ${race.counts.created} × 201, ${race.counts.conflicts} × 409, ${race.counts.errors5xx} × 5xx, p99 ${race.p99Ms.toFixed(0)} ms | 10 / 190 / 0, p99 ≤ 100 ms | median p99 of ${race.sales.length} sales (${race.sales.map((sale) => `${sale.created}/${sale.conflicts}/${sale.errors5xx} ${sale.p99Ms.toFixed(0)} ms`).join(', ')}), final stock ${race.sales.map((sale) => sale.finalStock).join(', ')} |`
      : '| race | skipped | | |',
  );
  say(
    `| search p95 (${products} products) | ${search === undefined ? 'skipped' : `${search.toFixed(1)} ms`} | ≤ 25 ms | 200 distinct catalog words, uncached |`,
  );
  say(`| app peak RSS | ${rss.toFixed(0)} MB | ≤ 250 MB | VmHWM of the app process |`);
  say(`| ready | ${app.readyMs.toFixed(0)} ms | ≤ 2000 ms | process start → /ready 200 |`);
  say('');
  say(
    `r2 runs this SQL (app and baseline alike; the app prepares it as "${PRODUCT_DETAIL.name}"):\n${PRODUCT_DETAIL.text}`,
  );
  say(`logs: ${work}`);
  if (values.json) {
    const figure = (pair: PairResult | undefined) => (pair ? Number(pair.ratio.toFixed(3)) : null);
    console.log(
      JSON.stringify({
        r1: figure(r1),
        r2: figure(r2),
        r2p: figure(r2p),
        r3: figure(r3),
        race: race
          ? {
              created: race.counts.created,
              conflicts: race.counts.conflicts,
              errors_5xx: race.counts.errors5xx,
              p99_ms: Number(race.p99Ms.toFixed(1)),
              sales_p99_ms: race.sales.map((sale) => Number(sale.p99Ms.toFixed(1))),
            }
          : null,
        search_p95_ms: search === undefined ? null : Number(search.toFixed(1)),
        rss_mb: Number(rss.toFixed(0)),
        ready_ms: Number(app.readyMs.toFixed(0)),
      }),
    );
  }
}

main()
  .then(() => killAll())
  .catch((error: unknown) => {
    console.error(error);
    killAll();
    process.exit(1);
  });
void ROOT;
