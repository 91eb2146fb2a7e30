/**
 * Loads a large, realistic shop for benchmarks and search tests:
 *
 *   npm run seed:bulk -- --products N [--orders M] [--shoppers U] [--seed S] [--at ISO-TIME] [--batch B]
 *
 * - products: the catalog (names, descriptions, prices skewed low, 5 % out of
 *   stock, 1 % archived, created over the past year);
 * - with --orders M (default 0: a catalog only): U shoppers (default
 *   max(300, M / 10), password SHOPPER_PASSWORD of scripts/seed-bulk/shoppers.ts),
 *   M orders of 1–5 lines over the past year with statuses and timestamps as
 *   the order life cycle makes them, reviews of one completed line in ten, and
 *   every product's sales_count, review_count and rating_avg to match.
 *
 * The rows are generated inside PostgreSQL (scripts/seed-bulk/generators.ts),
 * B rows per statement (default 100,000), in one transaction, with the loaded
 * tables' secondary indexes and foreign keys dropped and rebuilt at the end
 * (scripts/seed-bulk/schema.ts). It adds to whatever the database holds (the
 * demo seed, earlier runs): ids continue after the existing ones, and the demo
 * categories are created if there are none. The same --seed, --at and starting
 * ids give the same rows. Prints each phase's time and the total.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { config } from '../src/config.js';
import { type Plan, generatorFunctions, loadStatements } from './seed-bulk/generators.js';
import { restore, strip } from './seed-bulk/schema.js';
import { shopperPasswordHash } from './seed-bulk/shoppers.js';
import { DEFAULT_NOUNS, NOUNS_BY_CATEGORY } from './seed-bulk/vocabulary.js';

interface CatalogData {
  categories: { name: string; description: string; sort_order: number }[];
}
const { categories: demoCategories } = createRequire(import.meta.url)('../seeders/data/catalog.cjs') as CatalogData;

const USAGE =
  'usage: npm run seed:bulk -- --products <n ≥ 0> [--orders <n ≥ 0>] [--shoppers <n ≥ 1>] [--seed <0–2147483647>] [--at <ISO time>] [--batch <n ≥ 1>]';

const { values } = parseArgs({
  options: {
    products: { type: 'string', default: '100000' },
    orders: { type: 'string', default: '0' },
    shoppers: { type: 'string' },
    batch: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '42' },
    at: { type: 'string' },
  },
});
const count = (value: string | undefined, min: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= min ? n : undefined;
};
const wanted = {
  products: count(values.products, 0),
  orders: count(values.orders, 0),
  batch: count(values.batch, 1),
  seed: count(values.seed, 0),
};
const at = values.at === undefined ? Date.now() : Date.parse(values.at);
if (Object.values(wanted).includes(undefined) || wanted.seed! > 2 ** 31 - 1 || Number.isNaN(at)) {
  console.error(USAGE);
  process.exit(2);
}
const { products, orders, batch, seed } = wanted as Record<keyof typeof wanted, number>;
const shoppers = orders === 0 ? 0 : (count(values.shoppers, 1) ?? Math.max(300, Math.ceil(orders / 10)));
if (values.shoppers !== undefined && count(values.shoppers, 1) === undefined) {
  console.error(USAGE);
  process.exit(2);
}
if (orders > 0 && products < 5) {
  console.error('seed:bulk: orders need at least 5 products (an order has up to 5 distinct lines)');
  process.exit(2);
}

const timings: [string, number][] = [];
let committed = false;
const began = performance.now();
const stamp = () => `[${((performance.now() - began) / 1000).toFixed(1).padStart(6)} s]`;

/** Runs one phase of the load and records its time. */
async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  timings.push([name, seconds]);
  console.log(`${stamp()} ${name}: ${seconds.toFixed(1)} s`);
  return result;
}

/** Runs `statement` over rows 0 … total-1 in batches ($1 = from, $2 = to), printing progress every ~10 %. */
async function inBatches(client: pg.Client, label: string, total: number, statement: string, extra: unknown[] = []) {
  const started = performance.now();
  let inserted = 0;
  for (let from = 0; from < total; from += batch) {
    const to = Math.min(total, from + batch);
    inserted += (await client.query(statement, [from, to, ...extra])).rowCount ?? 0;
    const tenth = (n: number) => Math.floor((n / total) * 10);
    if (to === total || tenth(to) !== tenth(from)) {
      const rate = Math.round(inserted / ((performance.now() - started) / 1000));
      console.log(`${stamp()}   ${label}: ${to}/${total} (${inserted} rows, ${rate} rows/s)`);
    }
  }
  return inserted;
}

/** The next free id of `table`: after both its rows and its sequence, so nothing handed out is reused. */
async function nextId(client: pg.Client, table: string): Promise<number> {
  const { rows } = await client.query<{ next: number }>(
    `SELECT greatest((SELECT coalesce(max(id), 0) FROM ${table}),
                     (SELECT last_value FROM pg_sequences WHERE format('%I.%I', schemaname, sequencename)::regclass
                                                                = pg_get_serial_sequence('${table}', 'id')::regclass),
                     0)::int + 1 AS next`,
  );
  return rows[0]!.next;
}

/** The categories to fill (the demo ones are created if there are none), each with its nouns. */
async function categories(client: pg.Client): Promise<Plan['categories']> {
  const existing = () =>
    client.query<{ id: number; name: string }>('SELECT id, name FROM categories ORDER BY sort_order, id');
  let { rows } = await existing();
  if (rows.length === 0) {
    for (const category of demoCategories) {
      await client.query('INSERT INTO categories (name, description, sort_order) VALUES ($1, $2, $3)', [
        category.name,
        category.description,
        category.sort_order,
      ]);
    }
    ({ rows } = await existing());
  }
  return { ids: rows.map((row) => row.id), nouns: rows.map((row) => NOUNS_BY_CATEGORY[row.name] ?? DEFAULT_NOUNS) };
}

async function main(): Promise<void> {
  // A direct connection (DATABASE_DIRECT_URL): the loader sets session options, which a pooler in
  // transaction mode would hand to other clients' transactions.
  const client = new pg.Client({ connectionString: config.db.directUrl, application_name: 'emporium-seed-bulk' });
  await client.connect();
  const tables = orders > 0 ? ['users', 'products', 'orders', 'order_items', 'reviews'] : ['products'];
  const loaded = tables.filter((table) => table !== 'users');
  console.log(
    `seed:bulk: ${products} products, ${orders} orders, ${shoppers} shoppers` +
      ` (seed ${seed}, at ${new Date(at).toISOString()}, ${batch} rows per statement)`,
  );
  try {
    const { plan, hash, stripped } = await phase('prepare', async () => {
      // The app's DB_STATEMENT_TIMEOUT_MS is for requests: the loader's statements are long by design.
      // JIT off: compiling the generators' inlined expressions cost 15 s for 3,000 orders (0.3 s without).
      // Memory for the index builds and the product figures' join (this machine has 24 GB).
      await client.query(`SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0;
        SET jit = off; SET maintenance_work_mem = '512MB'; SET work_mem = '256MB'; SET temp_buffers = '64MB'`);
      await client.query('BEGIN');
      // Nobody else writes these tables until the load commits: the ids computed here stay free.
      await client.query(`LOCK TABLE ${tables.join(', ')} IN EXCLUSIVE MODE`);
      const plan: Plan = {
        seed,
        at: at / 1000,
        products: { start: await nextId(client, 'products'), count: products },
        shoppers: { start: await nextId(client, 'users'), count: shoppers },
        orders: {
          start: await nextId(client, 'orders'),
          count: orders,
          recent: Math.min(orders, shoppers, Math.max(Math.min(10, orders), Math.round(orders / 10_000))),
        },
        categories: await categories(client),
        pendingTtlSeconds: config.orders.pendingTtlMinutes * 60,
        maxUnitsPerLine: config.orders.maxUnitsPerLine,
      };
      await client.query(generatorFunctions(plan));
      const hash = shoppers > 0 ? await shopperPasswordHash(config.auth.bcryptCost) : '';
      return { plan, hash, stripped: await strip(client, loaded) };
    });
    const load = loadStatements(plan);
    const rows: Record<string, number> = {};
    if (orders > 0) {
      rows.shoppers = await phase('shoppers', () => inBatches(client, 'shoppers', shoppers, load.shoppers, [hash]));
      rows.orders = await phase('orders', () => inBatches(client, 'orders', orders, load.orders));
      rows.order_items = await phase('order lines', () => inBatches(client, 'order lines', orders, load.lines));
      rows.reviews = await phase('reviews', () => inBatches(client, 'reviews', orders, load.reviews));
      await phase('product figures', async () => {
        // The planner needs the new rows' statistics to join millions of them sensibly.
        await client.query('ANALYZE orders, order_items, reviews');
        await client.query(load.stats);
      });
    } else {
      await client.query('CREATE TEMPORARY TABLE bulk_stats (product_id int, sold int, reviews int, rating numeric)');
    }
    rows.products = await phase('products', () => inBatches(client, 'products', products, load.products));
    await phase('indexes and keys', () =>
      restore(client, stripped, (name, seconds) => console.log(`${stamp()}   ${name}: ${seconds.toFixed(1)} s`)),
    );
    await phase('commit', async () => {
      for (const table of tables) {
        await client.query(
          `SELECT setval(pg_get_serial_sequence('${table}', 'id'), max(id)) FROM ${table} HAVING max(id) IS NOT NULL`,
        );
      }
      await client.query('COMMIT');
      committed = true;
    });
    // autovacuum may be off: without this the planner would know nothing of the new rows.
    await phase('vacuum analyze', async () => {
      for (const table of tables) await client.query(`VACUUM (ANALYZE) ${table}`);
    });
    const total = (performance.now() - began) / 1000;
    console.log(`done in ${total.toFixed(1)} s: ${JSON.stringify(rows)}`);
    console.log(
      timings.map(([name, seconds]) => `  ${name.padEnd(18)} ${seconds.toFixed(1).padStart(7)} s`).join('\n'),
    );
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  const outcome = committed ? 'the rows are in, but VACUUM (ANALYZE) did not finish' : 'nothing was loaded';
  console.error(`seed:bulk failed (${outcome}): ${(error as Error).message}`);
  process.exit(1);
});
