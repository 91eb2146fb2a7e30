/**
 * Scale-out: three app instances behind Debian's nginx, on one PostgreSQL
 * database and one disposable Redis. Checked with real traffic:
 *
 * - the sale race (10 units, 200 shoppers at once) on one instance and
 *   through nginx over three, in the same run: exactly 10 orders each time,
 *   no 5xx, and the p99 through nginx at most 1.5x the single instance's;
 * - one instance killed under checkout load: nginx routes around it, and
 *   every checkout a shopper retried with its Idempotency-Key is placed
 *   exactly once (none lost, none twice);
 * - Redis stopped: /ready/routing stays 200 ("degraded") on every instance,
 *   so a balancer probing it keeps them all, and the catalog answers 0 5xx.
 */
import { AppProcess } from './app-process.js';
import { type Outcome, body, keepAliveAgent, request } from './http.js';
import { Nginx } from './nginx.js';
import { drillDatabase, sql } from './postgres.js';
import { DisposableRedis } from './redis-server.js';
import { Report, counts, quantile } from './report.js';
import { type Shopper, addToCart, checkout, newShopper, pay, pick, workers } from './shop.js';
import { now, sleep, suffix, waitFor } from './util.js';

const INSTANCES = 3;
const SALE_UNITS = 10;
const CROWD = 200;
/** The same-run limit on the sale's p99 through nginx, relative to one instance. */
const RACE_P99_RATIO = 1.5;

/** A product with `stock` units in a category of its own; returns its id. */
async function saleProduct(db: string, stock: number): Promise<number> {
  const [category] = await sql<{ id: number }>(
    db,
    `INSERT INTO categories (name, sort_order, created_at, updated_at) VALUES ($1, 0, now(), now()) RETURNING id`,
    [`Sale ${suffix()}`],
  );
  const [product] = await sql<{ id: number }>(
    db,
    `INSERT INTO products (name, description, price, stock, category_id, created_at, updated_at)
     VALUES ($1, 'Drill sale', 9.99, $2, $3, now(), now()) RETURNING id`,
    [`Sale item ${suffix()}`, stock, category!.id],
  );
  return product!.id;
}

/** `count` shoppers, each with one unit of `productId` in the cart. */
async function crowd(base: string, productId: number, count: number): Promise<Shopper[]> {
  const agent = keepAliveAgent();
  const shoppers: Shopper[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, count - i) }, () => newShopper(base, agent)));
    for (const shopper of batch) {
      const added = await addToCart(base, shopper, productId, agent);
      if (added.status !== 201) throw new Error(`cart add failed: ${added.status} ${added.body}`);
    }
    shoppers.push(...batch);
  }
  return shoppers;
}

/** Every shopper checks out at once, spread over `bases` in turn; the outcomes. */
async function race(bases: string[], shoppers: Shopper[]): Promise<Outcome[]> {
  const agent = keepAliveAgent();
  return Promise.all(
    shoppers.map((shopper, i) => checkout(bases[i % bases.length]!, shopper, `race-${suffix()}`, agent)),
  );
}

async function saleRace(report: Report, db: string, single: AppProcess, nginx: Nginx): Promise<void> {
  const runs: { name: string; bases: string[] }[] = [
    { name: 'one instance', bases: [single.base] },
    { name: `nginx over ${INSTANCES}`, bases: [nginx.base] },
  ];
  const p99: number[] = [];
  for (const run of runs) {
    const productId = await saleProduct(db, SALE_UNITS);
    const shoppers = await crowd(nginx.base, productId, CROWD);
    const outcomes = await race(run.bases, shoppers);
    const created = outcomes.filter((o) => o.status === 201).length;
    const failed = outcomes.filter((o) => o.status >= 500 || o.status === 0).length;
    const [stock] = await sql<{ stock: number }>(db, 'SELECT stock FROM products WHERE id = $1', [productId]);
    p99.push(quantile(outcomes, 0.99));
    report.check(
      created === SALE_UNITS && failed === 0 && stock?.stock === 0,
      `sale on ${run.name}: exactly ${SALE_UNITS} of ${CROWD} checkouts placed, no 5xx, stock 0`,
      `${counts(outcomes)}; p50 ${quantile(outcomes, 0.5).toFixed(0)} ms, p99 ${p99.at(-1)!.toFixed(0)} ms; stock ${stock?.stock}`,
    );
  }
  const ratio = p99[1]! / p99[0]!;
  report.check(
    ratio <= RACE_P99_RATIO,
    `the sale's p99 through nginx is at most ${RACE_P99_RATIO}x one instance's`,
    `${p99[1]!.toFixed(0)} ms vs ${p99[0]!.toFixed(0)} ms = ${ratio.toFixed(2)}x`,
  );
}

/** Checks out until the answer is final, retrying with the same Idempotency-Key (as a client should). */
async function checkoutOnce(base: string, shopper: Shopper, key: string): Promise<Outcome> {
  let outcome = await checkout(base, shopper, key);
  for (
    let attempt = 1;
    attempt < 5 && (outcome.status === 0 || outcome.status >= 500 || outcome.status === 409);
    attempt += 1
  ) {
    await sleep(200);
    outcome = await checkout(base, shopper, key);
  }
  return outcome;
}

async function instanceKilled(report: Report, db: string, apps: AppProcess[], nginx: Nginx): Promise<void> {
  const products = await Promise.all(Array.from({ length: 5 }, () => saleProduct(db, 100_000)));
  const shoppers = await Promise.all(Array.from({ length: 20 }, () => newShopper(nginx.base)));
  const placed = new Map<string, number>();
  const first: Outcome[] = [];
  const load = workers(shoppers.length, async (worker) => {
    const shopper = shoppers[worker]!;
    if ((await addToCart(nginx.base, shopper, pick(products))).status !== 201) return;
    const key = `kill-${suffix()}`;
    const outcome = await checkoutOnce(nginx.base, shopper, key);
    first.push(outcome);
    const order = body<{ id: number }>(outcome);
    if (outcome.status === 201 && order) {
      placed.set(key, order.id);
      await pay(nginx.base, shopper, order.id);
    }
  });
  await sleep(2_000);
  const victim = apps[1]!;
  const killedAt = now();
  await victim.kill('SIGKILL');
  await sleep(4_000);
  await load.stop();
  const keys = [...placed.keys()];
  const rows = await sql<{ idempotency_key: string; n: string }>(
    db,
    `SELECT idempotency_key, count(*) AS n FROM orders WHERE idempotency_key = ANY($1) GROUP BY idempotency_key`,
    [keys],
  );
  const once = rows.filter((row) => Number(row.n) === 1).length;
  const after = first.filter((o) => o.start > killedAt + 1_000);
  report.check(
    keys.length > 0 && once === keys.length && rows.length === keys.length,
    `an instance killed under checkout load: every placed checkout is in the database exactly once`,
    `${keys.length} placed (${counts(first)}); ${once} keys with exactly one order`,
  );
  report.check(
    after.length > 0 && after.every((o) => o.status === 201),
    'a second after the kill, nginx routes every checkout to the live instances',
    counts(after),
  );
}

async function redisStopped(report: Report, redis: DisposableRedis, apps: AppProcess[], nginx: Nginx): Promise<void> {
  const live = apps.filter((app) => app.alive);
  await redis.kill('SIGKILL');
  const started = now();
  const catalog: Outcome[] = [];
  const probes: Outcome[] = [];
  while (now() - started < 3_000) {
    catalog.push(await request(nginx.base, `/api/v1/products?page=${1 + Math.floor(Math.random() * 5)}`));
    for (const app of live) probes.push(await request(app.base, '/ready/routing'));
  }
  const strict = await request(live[0]!.base, '/ready');
  await redis.spawn();
  report.check(
    catalog.every((o) => o.status === 200) && probes.every((o) => o.status === 200),
    'Redis down: the catalog answers through nginx and /ready/routing stays 200 on every instance',
    `catalog ${counts(catalog)}; /ready/routing ${counts(probes)}; /ready ${strict.status} (the strict check)`,
  );
}

/** The drill: see the module comment. */
export async function scaleDrill(): Promise<Report> {
  const report = new Report('scale', `${INSTANCES} instances behind nginx on one PostgreSQL and one Redis`);
  try {
    const [db, redis] = await Promise.all([drillDatabase('scale'), DisposableRedis.start()]);
    const env = { DATABASE_URL: db, REDIS_URL: redis.url(0), TRUST_PROXY: 'loopback', DB_POOL_MAX: '10' };
    const apps = await Promise.all(
      Array.from({ length: INSTANCES }, (_, i) => AppProcess.start(`scale-${i + 1}`, env)),
    );
    // The instances load the staff panel in the background at once (its starting page is a 503 meanwhile).
    for (const app of apps) {
      const panel = await waitFor(async () => (await request(app.base, '/admin/login')).status === 200, 90_000, 500);
      if (panel === undefined) throw new Error(`app ${app.name}: the staff panel did not load within 90 s`);
      await app.warmUp();
    }
    const nginx = await Nginx.start(apps.map((app) => app.port));
    report.info(`nginx :${nginx.port} over ${apps.map((app) => `:${app.port}`).join(', ')}`);
    await saleRace(report, db, apps[0]!, nginx);
    await instanceKilled(report, db, apps, nginx);
    await redisStopped(report, redis, apps, nginx);
  } catch (error) {
    report.abort(error);
  }
  return report;
}
