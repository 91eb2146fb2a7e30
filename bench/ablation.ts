/**
 * `npm run bench -- --ablate <fast path> [--products N] [--orders M] [--only mixed,cart,checkout,race,reads] [--quick] [--json]`
 *
 * What one hand-made fast path (config FAST_PATHS) is worth: the same
 * workload against the app with it (B) and without it (A, FAST_PATHS_OFF),
 * A and B alternating in every figure. Each figure is "without ÷ with": for
 * throughput below 1 means the fast path helps; for latency above 1 does.
 * A fast path stays only where it moves a target figure by 10 % or more.
 */
import pg from 'pg';
import { timeReads } from './latency.js';
import { type LoadShape, comparePair, median } from './load.js';
import type { Server } from './processes.js';
import { raceForLastUnits } from './race.js';
import { DATABASE_URL, prepareDatabase, say, startApp } from './setup.js';
import { browsingMix, catalogReads, readShop } from './workload.js';
import {
  benchShoppers,
  byToken,
  cartAdds,
  compareCheckout,
  emptyCarts,
  loggedInTo,
  stockedProducts,
} from './writes.js';

/** Figures of one ablation: each "without ÷ with". */
export interface Ablation {
  fastPath: string;
  /** Mixed browsing req/s (caches on). */
  mixed: number;
  /** Cart adds req/s. */
  cart: number;
  /** Sustained checkout orders/s, and its p99. */
  checkout: number;
  checkoutP99: number;
  /** The sale's p99 (median over sales). */
  raceP99: number;
  /** Per read kind, p95 (caches off). */
  reads: Record<string, number>;
}

/** Runs the ablation of `fastPath` and prints it (and a JSON line with `json`). */
export async function ablate(
  fastPath: string,
  options: {
    products: number;
    orders: number;
    quick: boolean;
    json: boolean;
    shape: LoadShape;
    /** Which figures to measure (all when empty): mixed, cart, checkout, race, reads. */
    only: ReadonlySet<string>;
  },
): Promise<Ablation> {
  const wants = (figure: string) => options.only.size === 0 || options.only.has(figure);
  const { quick, shape } = options;
  say(`ablation of ${fastPath}: ${options.products} products, ${options.orders} orders${quick ? ' (quick)' : ''}`);
  await prepareDatabase(options.products, options.orders);
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const shop = await readShop(db);
  // Each side has its own Redis keys: sharing them, the side behind in the
  // same seeded sequence of reads found the answers the side ahead had cached
  // (measured: 1.4-1.5x "without ÷ with" for fast paths no read touches).
  const own = (side: string) => ({ REDIS_KEY_PREFIX: `emporium-bench-${process.pid}-${side}:` });
  const off = { FAST_PATHS_OFF: fastPath };
  const withIt = await startApp('with', own('with'));
  const without = await startApp('without', { ...off, ...own('without') });
  const { shoppers } = await benchShoppers(withIt, db, quick ? 10 : 50, 12);
  // The same shoppers with the other process's tokens (its logins live under its own keys).
  const shoppersWithout = await loggedInTo(without, db, shoppers);
  const withoutTokens = new Map(shoppersWithout.map((shopper) => [shopper.id, shopper.token]));
  const stocked = await stockedProducts(db);

  const none = { ratio: Number.NaN, p99Ratio: Number.NaN };
  const mixed = wants('mixed')
    ? await comparePair(
        { url: without.url, path: browsingMix(shop) },
        { url: withIt.url, path: browsingMix(shop) },
        shape,
      )
    : none;
  const cart = wants('cart')
    ? await comparePair(
        { url: without.url, path: cartAdds(shoppersWithout, stocked, byToken) },
        { url: withIt.url, path: cartAdds(shoppers, stocked, byToken) },
        shape,
        () => emptyCarts(db, shoppers),
      )
    : none;
  await emptyCarts(db, shoppers);
  let checkout = none;
  if (wants('checkout')) {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 20 });
    checkout = await compareCheckout(
      { url: without.url, identify: (shopper) => byToken({ ...shopper, token: withoutTokens.get(shopper.id)! }) },
      { url: withIt.url, identify: byToken },
      shoppers,
      stocked,
      pool,
      { rounds: quick ? 1 : 4, seconds: quick ? 2 : 10 },
    );
    await pool.end();
  }
  const raceP99 = wants('race')
    ? await alternateSales(without, withIt, db, quick ? 1 : 5)
    : { without: Number.NaN, with: Number.NaN };
  await Promise.all([withIt.stop(), without.stop()]);

  const reads: Record<string, number> = {};
  if (wants('reads')) {
    const uncachedWith = await startApp('with-uncached', { CACHE_TTL_SECONDS: '0' });
    const uncachedWithout = await startApp('without-uncached', { CACHE_TTL_SECONDS: '0', ...off });
    const count = quick ? 10 : 60;
    for (const kind of catalogReads(shop)) {
      const a = await timeReads(uncachedWithout.url, kind, { count, warm: count / 5 });
      const b = await timeReads(uncachedWith.url, kind, { count, warm: count / 5 });
      reads[kind.name] = a.p95Ms / b.p95Ms;
    }
    await Promise.all([uncachedWith.stop(), uncachedWithout.stop()]);
  }
  await db.end();

  const result: Ablation = {
    fastPath,
    mixed: mixed.ratio,
    cart: cart.ratio,
    checkout: checkout.ratio,
    checkoutP99: checkout.p99Ratio,
    raceP99: raceP99.without / raceP99.with,
    reads,
  };
  say('');
  say(`| ${fastPath} off ÷ on | ratio | means |`);
  say('| --- | --- | --- |');
  say(`| mixed browsing req/s | ${result.mixed.toFixed(2)} | < 1: it helps |`);
  say(`| cart add req/s | ${result.cart.toFixed(2)} | < 1: it helps |`);
  say(`| sustained checkout orders/s | ${result.checkout.toFixed(2)} | < 1: it helps |`);
  say(`| sustained checkout p99 | ${result.checkoutP99.toFixed(2)} | > 1: it helps |`);
  say(
    `| sale p99 | ${result.raceP99.toFixed(2)} (${raceP99.without.toFixed(0)} vs ${raceP99.with.toFixed(0)} ms) | > 1: it helps |`,
  );
  const worst = Object.entries(reads).sort((x, y) => y[1] - x[1])[0];
  say(`| reads p95 (largest) | ${worst ? `${worst[1].toFixed(2)} (${worst[0]})` : '–'} | > 1: it helps |`);
  if (options.json) {
    const r = (value: number) => Number(value.toFixed(3));
    console.log(
      JSON.stringify({
        ablate: fastPath,
        mixed: r(result.mixed),
        cart: r(result.cart),
        checkout: r(result.checkout),
        checkout_p99: r(result.checkoutP99),
        race_p99: r(result.raceP99),
        reads: Object.fromEntries(Object.entries(reads).map(([name, value]) => [name, r(value)])),
      }),
    );
  }
  return result;
}

/** Sales to `with` and `without`, taking turns (after one warm-up sale each); the median p99 of each. */
async function alternateSales(
  without: Server,
  withIt: Server,
  db: pg.Client,
  sales: number,
): Promise<{ without: number; with: number }> {
  await raceForLastUnits(without, db, 200, 10);
  await raceForLastUnits(withIt, db, 200, 10);
  const p99 = { without: [] as number[], with: [] as number[] };
  for (let i = 0; i < sales; i += 1) {
    const order: ['without' | 'with', Server][] =
      i % 2 === 0
        ? [
            ['without', without],
            ['with', withIt],
          ]
        : [
            ['with', withIt],
            ['without', without],
          ];
    for (const [side, app] of order) p99[side].push((await raceForLastUnits(app, db, 200, 10)).p99Ms);
  }
  return { without: median(p99.without), with: median(p99.with) };
}
