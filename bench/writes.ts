/**
 * The shop's writes under load: shoppers of their own (made here, logged in
 * at the production bcrypt cost), cart adds, and sustained checkout — each
 * against the bare handlers of baseline-server.ts in the same run.
 */
import bcrypt from 'bcrypt';
import type pg from 'pg';
import { median, percentile } from './load.js';
import type { Server } from './processes.js';
import { seededRandom } from './workload.js';

/** A shopper the benchmark made: their id and an access token from the app. */
export interface BenchShopper {
  id: number;
  token: string;
}

/** The password of the benchmark's own shoppers. */
const PASSWORD = 'bench-shopper-password';

/**
 * Makes `count` shoppers with one bcrypt hash at `cost` (the production
 * cost: logins are part of what is measured) and logs each in through the
 * app, one after the other; returns them and each login's time.
 */
export async function benchShoppers(
  app: Server,
  db: pg.Client,
  count: number,
  cost: number,
): Promise<{ shoppers: BenchShopper[]; loginMs: number[] }> {
  const tag = `bench${Date.now().toString(36)}`;
  const hash = await bcrypt.hash(PASSWORD, cost);
  const { rows } = await db.query<{ id: number; username: string }>(
    `INSERT INTO users (username, email, password_hash)
     SELECT $1 || '_' || n, $1 || '_' || n || '@bench.test', $2 FROM generate_series(1, $3) AS n RETURNING id, username`,
    [tag, hash, count],
  );
  const shoppers: BenchShopper[] = [];
  const loginMs: number[] = [];
  for (const user of rows) {
    const started = performance.now();
    const res = await fetch(`${app.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: PASSWORD }),
    });
    const body = (await res.json()) as { access_token?: string };
    loginMs.push(performance.now() - started);
    if (res.status !== 200 || !body.access_token) throw new Error(`bench login: ${res.status}`);
    shoppers.push({ id: user.id, token: body.access_token });
  }
  return { shoppers, loginMs };
}

/**
 * The same shoppers logged in to another app process (one with its own
 * Redis keys, where the first process's logins do not exist): their ids with
 * that process's tokens.
 */
export async function loggedInTo(app: Server, db: pg.Client, shoppers: BenchShopper[]): Promise<BenchShopper[]> {
  const { rows } = await db.query<{ id: number; username: string }>(
    'SELECT id, username FROM users WHERE id = ANY($1::int[])',
    [shoppers.map((shopper) => shopper.id)],
  );
  const names = new Map(rows.map((row) => [row.id, row.username]));
  const again: BenchShopper[] = [];
  for (const shopper of shoppers) {
    const res = await fetch(`${app.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: names.get(shopper.id), password: PASSWORD }),
    });
    const body = (await res.json()) as { access_token?: string };
    if (res.status !== 200 || !body.access_token) throw new Error(`bench login: ${res.status}`);
    again.push({ ...shopper, token: body.access_token });
  }
  return again;
}

/** Products a checkout can buy for a long while: listed, with plenty of stock. */
export async function stockedProducts(db: pg.Client): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    'SELECT id FROM products WHERE NOT archived AND stock >= 100 ORDER BY id LIMIT 20000',
  );
  if (rows.length < 10) {
    // A tiny catalog (--quick): top some products up.
    await db.query(
      'UPDATE products SET stock = stock + 1000 WHERE id IN (SELECT id FROM products WHERE NOT archived LIMIT 200)',
    );
    return stockedProducts(db);
  }
  return rows.map((row) => row.id);
}

/** How a side is addressed: the app by its access token, the bare handlers by a plain user id. */
export type Identify = (shopper: BenchShopper) => Record<string, string>;
export const byToken: Identify = (shopper) => ({ authorization: `Bearer ${shopper.token}` });
export const byUserId: Identify = (shopper) => ({ 'x-user-id': String(shopper.id) });

/** A request maker for cart adds: a random shopper adds one unit of a random stocked product. */
export function cartAdds(shoppers: BenchShopper[], products: number[], identify: Identify, seed = 17) {
  const random = seededRandom(seed);
  return () => {
    const shopper = shoppers[Math.floor(random() * shoppers.length)]!;
    const product = products[Math.floor(random() * products.length)]!;
    return {
      method: 'POST',
      path: '/api/v1/cart/items',
      headers: { 'content-type': 'application/json', ...identify(shopper) },
      body: JSON.stringify({ product_id: product, quantity: 1 }),
    };
  };
}

/** Empties the benchmark shoppers' carts (between cart-add runs: full carts would refuse more). */
export async function emptyCarts(db: pg.Client, shoppers: BenchShopper[]): Promise<void> {
  await db.query('DELETE FROM carts WHERE user_id = ANY($1::int[])', [shoppers.map((shopper) => shopper.id)]);
}

/** What one side's sustained-checkout run came to. */
export interface CheckoutRun {
  ordersPerSecond: number;
  latencies: number[];
  /** Checkouts answered with anything but 201. */
  refused: number;
  errors: number;
}

/**
 * Every shopper, at once and for `seconds`, fills a 3-line cart (directly in
 * PostgreSQL, unmeasured: it is the same for both sides), checks it out
 * through `url` (timed), and pays the order (in PostgreSQL, unmeasured:
 * unpaid orders are capped per shopper).
 */
export async function sustainedCheckout(
  url: string,
  identify: Identify,
  shoppers: BenchShopper[],
  products: number[],
  pool: pg.Pool,
  seconds: number,
  seed: number,
): Promise<CheckoutRun> {
  const random = seededRandom(seed);
  const latencies: number[] = [];
  let refused = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    shoppers.map(async (shopper) => {
      while (performance.now() < deadline) {
        const lines = [0, 1, 2].map(() => products[Math.floor(random() * products.length)]!);
        await pool.query(
          `INSERT INTO carts (user_id, product_id, quantity)
           SELECT $1, unnest($2::int[]), 1 ON CONFLICT (user_id, product_id) DO NOTHING`,
          [shopper.id, lines],
        );
        const sent = performance.now();
        const res = await fetch(`${url}/api/v1/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...identify(shopper) },
          body: JSON.stringify({ shipping_address: '1 Benchmark Road, Springfield' }),
        }).catch(() => undefined);
        const body = res ? ((await res.json().catch(() => ({}))) as { id?: number }) : {};
        latencies.push(performance.now() - sent);
        if (!res || res.status >= 500) errors += 1;
        if (res?.status === 201 && body.id) {
          await pool.query(`UPDATE orders SET status = 'paid', paid_at = now() WHERE id = $1`, [body.id]);
        } else {
          refused += 1;
          await pool.query('DELETE FROM carts WHERE user_id = $1', [shopper.id]);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { ordersPerSecond: (latencies.length - refused) / elapsed, latencies, refused, errors };
}

/** Sustained checkout, app against bare, in alternating rounds. */
export interface CheckoutComparison {
  app: CheckoutRun[];
  baseline: CheckoutRun[];
  /** Median over rounds of app orders/s ÷ bare orders/s. */
  ratio: number;
  /** p99 of every app checkout ÷ p99 of every bare one. */
  p99Ratio: number;
  ordersPerSecond: number;
  p99Ms: number;
  baselineP99Ms: number;
}

/** One side of a checkout comparison: where it is, and how it is told who the shopper is. */
export interface CheckoutSide {
  url: string;
  identify: Identify;
}

/** Runs `rounds` A/B (then B/A) rounds of `seconds` each; A is "the app", B its baseline. */
export async function compareCheckout(
  app: CheckoutSide,
  baseline: CheckoutSide,
  shoppers: BenchShopper[],
  products: number[],
  pool: pg.Pool,
  { rounds, seconds }: { rounds: number; seconds: number },
): Promise<CheckoutComparison> {
  const appRuns: CheckoutRun[] = [];
  const bareRuns: CheckoutRun[] = [];
  const side = async (which: 'app' | 'bare', round: number) => {
    const target = which === 'app' ? app : baseline;
    const run = await sustainedCheckout(
      target.url,
      target.identify,
      shoppers,
      products,
      pool,
      seconds,
      round * 2 + (which === 'app' ? 0 : 1),
    );
    (which === 'app' ? appRuns : bareRuns).push(run);
  };
  for (let round = 0; round < rounds; round += 1) {
    const order: ('app' | 'bare')[] = round % 2 === 0 ? ['app', 'bare'] : ['bare', 'app'];
    for (const which of order) await side(which, round);
  }
  const all = (runs: CheckoutRun[]) => runs.flatMap((run) => run.latencies);
  const p99 = percentile(all(appRuns), 99);
  const bareP99 = percentile(all(bareRuns), 99);
  return {
    app: appRuns,
    baseline: bareRuns,
    ratio: median(appRuns.map((run, i) => run.ordersPerSecond / bareRuns[i]!.ordersPerSecond)),
    p99Ratio: p99 / bareP99,
    ordersPerSecond: median(appRuns.map((run) => run.ordersPerSecond)),
    p99Ms: p99,
    baselineP99Ms: bareP99,
  };
}
