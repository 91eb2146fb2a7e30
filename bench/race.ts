/** The sale drill of the benchmark: many different shoppers check out the last units at the same moment. */
import bcrypt from 'bcrypt';
import type pg from 'pg';
import { burst } from './burst.js';
import { percentile } from './load.js';
import type { Server } from './processes.js';

/** What the race saw. */
export interface RaceResult {
  created: number;
  conflicts: number;
  errors5xx: number;
  other: number;
  p99Ms: number;
  finalStock: number;
}

/**
 * Creates a product with `stock` units and `shoppers` users each holding one
 * in their cart, logs them all in, waits a second, then fires every checkout at once (each
 * on a connection of its own, opened beforehand; times are from the moment
 * the requests are sent to each answer's last byte).
 */
export async function raceForLastUnits(
  app: Server,
  db: pg.Client,
  shoppers: number,
  stock: number,
): Promise<RaceResult> {
  const tag = `race${Date.now()}`;
  const password = 'race-password-1';
  const hash = await bcrypt.hash(password, 4);
  const {
    rows: [product],
  } = await db.query<{ id: number }>(
    `INSERT INTO products (name, description, price, stock, category_id)
     VALUES ($1, 'The last units of a sale', 49.99, $2, (SELECT min(id) FROM categories)) RETURNING id`,
    [`Limited ${tag}`, stock],
  );
  const { rows: users } = await db.query<{ id: number; username: string }>(
    `INSERT INTO users (username, email, password_hash)
     SELECT $1 || n, $1 || n || '@bench.test', $2 FROM generate_series(1, $3) AS n RETURNING id, username`,
    [tag, hash, shoppers],
  );
  await db.query('INSERT INTO carts (user_id, product_id, quantity) SELECT unnest($1::int[]), $2, 1', [
    users.map((user) => user.id),
    product!.id,
  ]);
  const tokens = await Promise.all(
    users.map(async (user) => {
      const res = await fetch(`${app.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: user.username, password }),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    }),
  );

  // The shoppers signed in a moment before the sale starts (their logins are not part of it).
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const outcomes = await burst(
    app.port,
    tokens.map((token) => ({
      method: 'POST',
      path: '/api/v1/orders',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ shipping_address: '1 Sale Street' }),
    })),
  );
  const count = (test: (status: number) => boolean) => outcomes.filter((outcome) => test(outcome.status)).length;
  const {
    rows: [left],
  } = await db.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [product!.id]);
  return {
    created: count((s) => s === 201),
    conflicts: count((s) => s === 409),
    errors5xx: count((s) => s >= 500 || s === 0),
    other: count((s) => s !== 201 && s !== 409 && s < 500 && s !== 0),
    p99Ms: percentile(
      outcomes.map((outcome) => outcome.ms),
      99,
    ),
    finalStock: left!.stock,
  };
}

/** Several sales, one after the other: each one's result, and the figure they make. */
export interface RaceSeries {
  sales: RaceResult[];
  /** The median of the sales' p99. */
  p99Ms: number;
  /** The counts to report: those of a sale that missed 10 / 190 / 0 if any did, else the first sale's. */
  counts: RaceResult;
}

/**
 * Runs `sales` sales of `stock` units to `shoppers` shoppers each (fresh
 * product and shoppers every time). The counts must be exact in every sale;
 * the latency figure is the median of the sales' p99, as every other figure
 * is a median, because this machine's speed swings by up to 2× within
 * seconds and one sale lasts a tenth of one.
 */
export async function raceSeries(
  app: Server,
  db: pg.Client,
  options: { sales: number; shoppers: number; stock: number },
): Promise<RaceSeries> {
  const sales: RaceResult[] = [];
  for (let i = 0; i < options.sales; i++) sales.push(await raceForLastUnits(app, db, options.shoppers, options.stock));
  const exact = (sale: RaceResult) =>
    sale.created === options.stock &&
    sale.conflicts === options.shoppers - options.stock &&
    sale.errors5xx === 0 &&
    sale.other === 0;
  return {
    sales,
    p99Ms: percentile(
      sales.map((sale) => sale.p99Ms),
      50,
    ),
    counts: sales.find((sale) => !exact(sale)) ?? sales[0]!,
  };
}
