/**
 * `npm run bench [-- --products N] [--orders M] [--growth] [--quick] [--json] [--only reads,staff,…]`
 * `npm run bench -- --ablate <fast path> [--only mixed,cart,checkout,race,reads] …` (what one of config's FAST_PATHS is worth: bench/ablation.ts)
 *
 * A shop's workload against the built app, every figure beside a baseline
 * measured in the same run (bench/baseline-server.ts: bare Express handlers
 * running the app's own SQL, or the minimal SQL for writes):
 *
 * - reads: public catalog reads one at a time, caches off, many distinct keys
 *   (bench/workload.ts), p50/p95 each; with --growth at 100k and at N products;
 * - staff: the panel's product list and name search, orders by status and by
 *   customer, the dashboard, p95 each;
 * - mixed: browsing from 50 connections, caches on, ÷ the bare handlers' req/s;
 * - cart: cart adds ÷ bare (one upsert, one cart read);
 * - checkout: 50 shoppers with 3-line carts for 60 s ÷ bare checkout (orders/s, p99);
 * - race: 200 shoppers for the last 10 units;
 * - login: at the production bcrypt cost.
 *
 * It makes its own database (migrations, demo seed, seed:bulk), starts the
 * app as production does (scripts/serve.sh) and prints a table; `--json`
 * adds one JSON line of every figure.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ablate } from './ablation.js';
import { type LatencyResult, timeReads } from './latency.js';
import { type LoadShape, type PairResult, comparePair, percentile } from './load.js';
import { type Server, killAll, peakRssMb } from './processes.js';
import { DATABASE_URL, prepareDatabase, say, seed, staffCookie, startApp, startBare, work } from './setup.js';
import { type RaceSeries, raceForLastUnits, raceSeries } from './race.js';
import { type Shop, browsingMix, catalogReads, readShop, staffReads } from './workload.js';
import {
  type CheckoutComparison,
  benchShoppers,
  byToken,
  byUserId,
  cartAdds,
  compareCheckout,
  emptyCarts,
  stockedProducts,
} from './writes.js';

const { values } = parseArgs({
  options: {
    products: { type: 'string' },
    orders: { type: 'string' },
    growth: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
    ablate: { type: 'string' },
  },
});
const FIGURES = ['reads', 'staff', 'mixed', 'cart', 'checkout', 'race'] as const;
type Figure = (typeof FIGURES)[number];
const only = new Set<string>(values.only ? values.only.split(',') : FIGURES);
const unknownFigure = [...only].find((figure) => !(FIGURES as readonly string[]).includes(figure));
if (unknownFigure) throw new Error(`--only: unknown figure ${unknownFigure} (use ${FIGURES.join(', ')})`);
const wants = (figure: Figure) => only.has(figure);

const quick = values.quick;
const products = Number(values.products ?? (quick ? 2_000 : 100_000));
const orders = Number(values.orders ?? (quick ? 2_000 : products));
/** --growth measures the reads at this size first, then grows the shop to --products. */
const GROWTH_FROM = 100_000;
const connections = Number(values.connections);
const shape: LoadShape = { connections, duration: 1, rounds: quick ? 2 : 20, warmup: quick ? 1 : 5 };
const sizes = {
  reads: quick ? 10 : 100,
  staff: quick ? 5 : 60,
  checkoutRounds: quick ? 1 : 4,
  checkoutSeconds: quick ? 2 : 15,
  sales: quick ? 1 : 5,
  warmupSales: quick ? 1 : 3,
  shoppers: quick ? 10 : 50,
};
/** The production bcrypt cost (config default): logins are measured as a shop pays for them. */
const BCRYPT_COST = 12;

/** Times every catalog read kind, plus a shopper's order list (with a token). */
async function measureReads(
  app: Server,
  shop: Shop,
  token: string | undefined,
): Promise<Record<string, LatencyResult>> {
  const results: Record<string, LatencyResult> = {};
  for (const kind of catalogReads(shop)) {
    results[kind.name] = await timeReads(app.url, kind, { count: sizes.reads, warm: Math.ceil(sizes.reads / 5) });
  }
  if (token) {
    let page = 0;
    results.my_orders = await timeReads(
      app.url,
      { name: 'my_orders', path: () => `/api/v1/orders?page=${1 + (page++ % 3)}` },
      { count: sizes.reads, warm: 5, headers: { authorization: `Bearer ${token}` } },
    );
  }
  return results;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const latencyJson = (results: Record<string, LatencyResult>) =>
  Object.fromEntries(
    Object.entries(results).map(([name, r]) => [name, { p50_ms: round(r.p50Ms), p95_ms: round(r.p95Ms) }]),
  );

async function main(): Promise<void> {
  const growth = values.growth && products > GROWTH_FROM;
  const firstProducts = growth ? GROWTH_FROM : products;
  const firstOrders = growth ? Math.round((orders * GROWTH_FROM) / products) : orders;
  say(
    `emporium bench: ${products} products, ${orders} orders${growth ? ` (reads also at ${GROWTH_FROM})` : ''}${quick ? ' (quick)' : ''}`,
  );
  let seedSeconds = await prepareDatabase(firstProducts, firstOrders);
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();

  let readsBefore: Record<string, LatencyResult> | undefined;
  if (growth && wants('reads')) {
    const uncached = await startApp('app-uncached-small', { CACHE_TTL_SECONDS: '0' });
    readsBefore = await measureReads(uncached, await readShop(db), undefined);
    await uncached.stop();
  }
  if (growth) {
    say(`growing the shop to ${products} products and ${orders} orders …`);
    seedSeconds += await seed(products - firstProducts, orders - firstOrders);
  }
  const shop = await readShop(db);

  const app = await startApp('app');
  say(
    `app ready in ${app.readyMs.toFixed(0)} ms (process start → /ready 200); seed:bulk took ${seedSeconds.toFixed(0)} s`,
  );
  const { shoppers, loginMs } = await benchShoppers(app, db, sizes.shoppers, BCRYPT_COST);

  // Reads and staff screens with caches off, one request at a time.
  let reads: Record<string, LatencyResult> | undefined;
  let staff: Record<string, LatencyResult> | undefined;
  let uncachedRss = 0;
  if (wants('reads') || wants('staff')) {
    const uncached = await startApp('app-uncached', { CACHE_TTL_SECONDS: '0' });
    if (wants('reads')) reads = await measureReads(uncached, shop, shoppers[0]!.token);
    if (wants('staff')) {
      const cookie = await staffCookie(uncached);
      staff = {};
      for (const kind of staffReads(shop)) {
        staff[kind.name] = await timeReads(uncached.url, kind, {
          count: sizes.staff,
          warm: Math.ceil(sizes.staff / 5),
          headers: { cookie },
        });
      }
    }
    uncachedRss = await peakRssMb(uncached.child.pid);
    await uncached.stop();
  }

  const bare = await startBare();
  let mixed: PairResult | undefined;
  if (wants('mixed')) {
    mixed = await comparePair(
      { url: app.url, path: browsingMix(shop) },
      { url: bare.url, path: browsingMix(shop) },
      shape,
    );
  }
  const stocked = await stockedProducts(db);
  let cart: PairResult | undefined;
  if (wants('cart')) {
    cart = await comparePair(
      { url: app.url, path: cartAdds(shoppers, stocked, byToken) },
      { url: bare.url, path: cartAdds(shoppers, stocked, byUserId) },
      shape,
      () => emptyCarts(db, shoppers),
    );
    await emptyCarts(db, shoppers);
  }
  let checkout: CheckoutComparison | undefined;
  if (wants('checkout')) {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 20 });
    checkout = await compareCheckout(
      { url: app.url, identify: byToken },
      { url: bare.url, identify: byUserId },
      shoppers,
      stocked,
      pool,
      {
        rounds: sizes.checkoutRounds,
        seconds: sizes.checkoutSeconds,
      },
    );
    await pool.end();
  }
  await bare.stop();

  let race: RaceSeries | undefined;
  if (wants('race')) {
    // Unmeasured sales first: a shop's process is warm when a sale starts.
    for (let i = 0; i < sizes.warmupSales; i++) await raceForLastUnits(app, db, 200, 10);
    race = await raceSeries(app, db, { sales: sizes.sales, shoppers: 200, stock: 10 });
  }
  const rss = Math.max(await peakRssMb(app.child.pid), uncachedRss);
  await app.stop();
  await db.end();

  const growthMax =
    readsBefore && reads
      ? Math.max(
          ...Object.entries(readsBefore).map(([name, before]) =>
            reads[name] ? reads[name].p95Ms / Math.max(before.p95Ms, 1) : 0,
          ),
        )
      : undefined;
  report({
    reads,
    readsBefore,
    staff,
    mixed,
    cart,
    checkout,
    race,
    loginMs,
    rss,
    ready: app.readyMs,
    seedSeconds,
    growthMax,
  });
}

interface Figures {
  reads?: Record<string, LatencyResult>;
  readsBefore?: Record<string, LatencyResult>;
  staff?: Record<string, LatencyResult>;
  mixed?: PairResult;
  cart?: PairResult;
  checkout?: CheckoutComparison;
  race?: RaceSeries;
  loginMs: number[];
  rss: number;
  ready: number;
  seedSeconds: number;
  growthMax?: number;
}

function report(f: Figures): void {
  const maxP95 = (results?: Record<string, LatencyResult>) =>
    results ? Math.max(...Object.values(results).map((r) => r.p95Ms)) : Number.NaN;
  const errorsOf = (pair?: PairResult) => (pair ? pair.app.reduce((sum, r) => sum + r.errors + r.non2xx, 0) : 0);
  const mean = (pair: PairResult, side: 'app' | 'baseline') =>
    pair[side].reduce((sum, r) => sum + r.requestsPerSecond, 0) / pair[side].length;
  say('');
  say('| figure | measured | target |');
  say('| --- | --- | --- |');
  for (const [name, r] of Object.entries(f.reads ?? {})) {
    const before = f.readsBefore?.[name];
    say(
      `| read ${name} | p50 ${r.p50Ms.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms${before ? ` (at ${GROWTH_FROM}: p95 ${before.p95Ms.toFixed(1)} ms)` : ''}${r.errors ? `, ${r.errors} errors` : ''} | p95 ≤ 50 ms |`,
    );
  }
  if (f.growthMax !== undefined)
    say(`| growth of a read's p95 (${GROWTH_FROM} → ${products}) | ${f.growthMax.toFixed(2)}× | ≤ 2× |`);
  for (const [name, r] of Object.entries(f.staff ?? {})) {
    say(
      `| staff ${name} | p50 ${r.p50Ms.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms${r.errors ? `, ${r.errors} errors` : ''} | p95 ≤ 150 ms |`,
    );
  }
  if (f.mixed) {
    say(
      `| mixed browsing, caches on ÷ bare | ${f.mixed.ratio.toFixed(2)} (${mean(f.mixed, 'app').toFixed(0)} vs ${mean(f.mixed, 'baseline').toFixed(0)} req/s), ${errorsOf(f.mixed)} errors | ≥ 0.8, 0 errors |`,
    );
  }
  if (f.cart) {
    say(
      `| cart add ÷ bare | ${f.cart.ratio.toFixed(2)} (${mean(f.cart, 'app').toFixed(0)} vs ${mean(f.cart, 'baseline').toFixed(0)} req/s) | ≥ 0.8 |`,
    );
  }
  if (f.checkout) {
    const c = f.checkout;
    say(
      `| sustained checkout ÷ bare | ${c.ratio.toFixed(2)} (${c.ordersPerSecond.toFixed(0)} orders/s), p99 ${c.p99Ms.toFixed(0)} vs ${c.baselineP99Ms.toFixed(0)} ms = ${c.p99Ratio.toFixed(2)}× | ≥ 0.9, p99 ≤ 2× |`,
    );
  }
  if (f.race) {
    say(
      `| race: 200 shoppers, stock 10 | ${f.race.counts.created} × 201, ${f.race.counts.conflicts} × 409, ${f.race.counts.errors5xx} × 5xx, p99 ${f.race.p99Ms.toFixed(0)} ms (sales: ${f.race.sales.map((s) => s.p99Ms.toFixed(0)).join(', ')}) | 10 / 190 / 0, p99 ≤ 100 ms |`,
    );
  }
  say(
    `| login, bcrypt cost ${BCRYPT_COST} | p50 ${percentile(f.loginMs, 50).toFixed(0)} ms, p95 ${percentile(f.loginMs, 95).toFixed(0)} ms | (none) |`,
  );
  say(`| seed:bulk | ${f.seedSeconds.toFixed(0)} s | ≤ 300 s at 1M + 1M |`);
  say(`| app peak RSS | ${f.rss.toFixed(0)} MB | ≤ 250 MB |`);
  say(`| ready | ${f.ready.toFixed(0)} ms | (none) |`);
  say(
    `slowest read p95 ${maxP95(f.reads).toFixed(1)} ms, slowest staff p95 ${maxP95(f.staff).toFixed(1)} ms; logs: ${work}`,
  );
  if (!values.json) return;
  const figure = (pair?: PairResult) => (pair ? round(pair.ratio, 3) : null);
  console.log(
    JSON.stringify({
      products,
      orders,
      reads: f.reads ? latencyJson(f.reads) : null,
      growth_max: f.growthMax === undefined ? null : round(f.growthMax, 2),
      staff: f.staff
        ? Object.fromEntries(Object.entries(f.staff).map(([name, r]) => [name, { p95_ms: round(r.p95Ms) }]))
        : null,
      mixed: f.mixed
        ? { rps: round(mean(f.mixed, 'app'), 0), ratio: figure(f.mixed), errors: errorsOf(f.mixed) }
        : null,
      checkout: f.checkout
        ? {
            orders_per_s: round(f.checkout.ordersPerSecond),
            ratio: round(f.checkout.ratio, 3),
            p99_ratio: round(f.checkout.p99Ratio, 2),
          }
        : null,
      cart_add_ratio: figure(f.cart),
      race: f.race
        ? {
            created: f.race.counts.created,
            conflicts: f.race.counts.conflicts,
            errors_5xx: f.race.counts.errors5xx,
            p99_ms: round(f.race.p99Ms),
          }
        : null,
      login_p95_ms: round(percentile(f.loginMs, 95), 0),
      seed_s: round(f.seedSeconds, 0),
      rss_mb: round(f.rss, 0),
      ready_ms: round(f.ready, 0),
    }),
  );
}

(values.ablate
  ? ablate(values.ablate, {
      products,
      orders,
      quick,
      json: values.json,
      shape,
      only: new Set(values.only ? values.only.split(',') : []),
    })
  : main()
)
  .then(() => killAll())
  .catch((error: unknown) => {
    console.error(error);
    killAll();
    process.exit(1);
  });
