/**
 * The staff panel's list pages and dashboard read what they show, not the
 * table: on tens of thousands of products and orders (ANALYZEd), every
 * statement behind a page (the list, its count, the dashboard's figures)
 * reads a bounded number of rows, whatever the table's size. Each page is
 * driven through the panel's own API and the statements it sent are run
 * again under EXPLAIN ANALYZE. The searches and filters staff rely on
 * (accent-insensitive names and customers, price, stock, amount and date
 * ranges, the dashboard's low-stock link) also name the index that serves
 * them and scan no big table whole. At 1M products and 1M orders
 * (seed:bulk) the range and customer statements took 0.2-7 ms each, and the
 * name search's page and count ("lamp": 15,800 matches) 1-130 ms, on the
 * shared and busy 2-core machine.
 */
import { describe, expect, it } from 'vitest';
import { sequelize } from '../src/db.js';
import { EXACT_COUNT_UP_TO } from '../src/admin/list-query.js';
import { dashboard } from '../src/services/dashboard-service.js';
import { staffSession } from './support/admin.js';
import { useTestApp } from './support/context.js';
import { createCategory } from './support/factories.js';
import { analyze, readsOf, selectsDuring } from './support/plans.js';
import { oneRow } from './support/sql.js';

const ctx = useTestApp();
const api = (path: string) => `/admin/api/resources/${path}`;

const PRODUCTS = 30_000;
const USERS = 40_000;
const ORDERS = 40_000;
/**
 * What a bounded statement may read: a count that stops after
 * EXACT_COUNT_UP_TO + 1 matches, by an index or by a scan that stops early
 * (which the planner picks when most rows match: then it reads a few rows
 * more than it counts).
 */
const BOUNDED = 3 * (EXACT_COUNT_UP_TO + 1);

/** Runs a bulk insert without the app's statement timeout (triggers and indexes make it seconds long). */
const load = (sql: string, bind: unknown[] = []) =>
  sequelize.transaction(async (transaction) => {
    await sequelize.query('SET LOCAL statement_timeout = 0', { transaction });
    await sequelize.query(sql, { bind, transaction });
  });

/**
 * Products named like a real catalog (brand, line, kind, number), one of them a "Desk Lamp", priced
 * 5.99 to 104.99 and stocked 0 to 199 (3 % of them 5 or fewer), one in a hundred archived.
 */
async function loadProducts(): Promise<void> {
  const category = await createCategory();
  await load(
    `INSERT INTO products (name, description, price, stock, category_id)
     SELECT (ARRAY['Aurora','Northwind','Kestrel','Lumen','Voltix','Harbor','Solstice','Pioneer','Cobalt'])[1 + n % 9]
            || ' ' || (ARRAY['Compact','Deluxe','Classic','Essential','Premium','Everyday','Modern'])[1 + (n / 9) % 7]
            || ' ' || (ARRAY['Kettle','Blender','Toaster','Backpack','Jacket','Sneakers','Speaker','Charger','Notebook',
                             'Mug','Skillet','Tent','Yoga Mat','Puzzle','Novel','Watch','Wallet','Scarf','Pen Set','Tray'])[1 + (n / 63) % 20]
            || ' ' || n,
            'A product', 5.99 + n % 100, n % 200, $1
       FROM generate_series(1, ${PRODUCTS}) AS n`,
    [category.id],
  );
  await sequelize.query(`UPDATE products SET name = 'Desk Lamp' WHERE id = (SELECT min(id) + 12345 FROM products)`);
  await sequelize.query(`UPDATE products SET archived = true WHERE id % 100 = 7`);
  await analyze('products');
}

/** Shoppers and two years of their orders (newest last), a few of them paid and waiting to ship. */
async function loadOrders(): Promise<void> {
  await load(
    `INSERT INTO users (username, email, password_hash, created_at)
     SELECT 'shopper' || n, 'shopper' || n || '@example.test', 'x', now() - (n % 730) * interval '1 day'
       FROM generate_series(1, ${USERS}) AS n`,
  );
  await load(
    `INSERT INTO orders (user_id, total_amount, status, shipping_address, created_at, updated_at)
     SELECT (SELECT min(id) FROM users) + (n * 7919) % ${USERS}, 10 + n % 90,
            CASE WHEN n % 50 = 0 THEN 'paid' WHEN n % 10 < 7 THEN 'completed' ELSE 'cancelled' END,
            n || ' Main Street', at, at
       FROM generate_series(1, ${ORDERS}) AS n,
            LATERAL (SELECT now() - (${ORDERS} - n) * interval '1 day' * 730 / ${ORDERS} AS at) AS t`,
  );
  await analyze('users', 'orders');
}

/** Runs a panel request and returns what each of its SELECTs read from `tables`. */
async function readsOfRequest(run: () => Promise<unknown>, tables: string[]) {
  const statements = await selectsDuring(run);
  return Promise.all(
    statements.map(async (statement) => ({ sql: statement.sql, ...(await readsOf(statement, tables)) })),
  );
}

/** Asserts that every statement read at most `limit` rows of the big tables. */
function expectBounded(reads: { sql: string; rows: number; plan: string }[], limit: number): void {
  expect(reads.length).toBeGreaterThan(0);
  for (const read of reads) expect(read.rows, `${read.sql}\n${read.plan}`).toBeLessThanOrEqual(limit);
}

/** A staff session's list requests on `table`, the totals they show, and the database's own counts. */
async function staffLists(table: 'products' | 'orders') {
  const { agent } = await staffSession(ctx.app);
  const list = (query: string) => agent.get(api(`${table}/actions/list${query}`)).expect(200);
  return {
    list,
    totalOf: async (query: string) => (await list(query)).body.meta.total as number,
    count: async (where: string) =>
      (await oneRow<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`)).n,
  };
}

/** Asserts that no statement scanned a big table whole, and that some statement used `index`. */
function expectIndexed(reads: { sql: string; scans: string[]; plan: string }[], index: string): void {
  for (const read of reads) expect(read.scans, `${read.sql}\n${read.plan}`).not.toContain('Seq Scan');
  expect(reads.map((read) => read.plan).join('\n')).toContain(`"Index Name":"${index}"`);
}

describe('the staff product list on 30,000 products', () => {
  it('serves the default page, a rare and a common name search, and their counts, from indexes', async () => {
    await loadProducts();
    const { agent } = await staffSession(ctx.app);
    let total = 0;
    const list = (query: string) => async () => {
      total = (await agent.get(api(`products/actions/list${query}`)).expect(200)).body.meta.total as number;
    };

    expectBounded(await readsOfRequest(list('?filters.name=LAMP'), ['products']), 50);
    expect(total).toBe(1);
    expectBounded(await readsOfRequest(list('?filters.name=aurora'), ['products']), BOUNDED);
    // Beyond EXACT_COUNT_UP_TO the count is the planner's estimate: near the truth, not exact.
    const { n: auroras } = await oneRow<{ n: number }>(
      `SELECT count(*)::int AS n FROM products WHERE name ILIKE '%aurora%'`,
    );
    expect(total).toBeGreaterThan(EXACT_COUNT_UP_TO);
    expect(total).toBeGreaterThan(auroras / 2);
    expect(total).toBeLessThan(auroras * 2);
    expectBounded(await readsOfRequest(list(''), ['products']), BOUNDED);
    expect(Math.abs(total - PRODUCTS)).toBeLessThan(PRODUCTS / 10);
    expectBounded(await readsOfRequest(list('?page=20'), ['products']), BOUNDED);
  }, 60_000);

  it('serves an accent-insensitive name search, stock and price ranges and the low-stock link from indexes', async () => {
    await loadProducts();
    const { list, totalOf, count } = await staffLists('products');

    const lamp = await readsOfRequest(() => list(`?filters.name=${encodeURIComponent('LÁMP')}`), ['products']);
    expectBounded(lamp, 50);
    expectIndexed(lamp, 'products_name_unaccent_trgm_idx');
    expect(await totalOf(`?filters.name=${encodeURIComponent('dësk lámp')}`)).toBe(1);

    const lowStock = await readsOfRequest(() => list('?filters.stock~~to=5'), ['products']);
    expectBounded(lowStock, BOUNDED);
    expectIndexed(lowStock, 'products_panel_stock_idx');
    expect(await totalOf('?filters.stock~~to=5')).toBe(await count('stock <= 5'));

    // The dashboard's low-stock card links here.
    const link = '?filters.stock~~to=5&filters.archived=false&sortBy=stock&direction=asc';
    const linked = await readsOfRequest(() => list(link), ['products']);
    expectBounded(linked, BOUNDED);
    expectIndexed(linked, 'products_low_stock_idx');
    expect(await totalOf(link)).toBe(await count('stock <= 5 AND NOT archived'));
    expectBounded(await readsOfRequest(() => list(`${link}&page=20`), ['products']), BOUNDED);

    const prices = await readsOfRequest(() => list('?filters.price~~from=10&filters.price~~to=20'), ['products']);
    expectBounded(prices, BOUNDED);
    for (const read of prices) expect(read.scans, read.plan).not.toContain('Seq Scan');
    const rare = '?filters.price~~from=104&filters.price~~to=105&sortBy=price&direction=desc';
    const rarePrices = await readsOfRequest(() => list(rare), ['products']);
    expectBounded(rarePrices, BOUNDED);
    expectIndexed(rarePrices, 'products_panel_price_idx');
    expect(await totalOf(rare)).toBe(await count('price BETWEEN 104 AND 105'));
  }, 60_000);
});

describe('the staff order lists on 40,000 orders', () => {
  it('serves a status, a customer (id, e-mail) and a deeper page, with their counts, from indexes', async () => {
    await loadOrders();
    const { agent } = await staffSession(ctx.app);
    const list = (query: string) => agent.get(api(`orders/actions/list${query}`)).expect(200);
    const { id: customer } = await oneRow<{ id: number }>(`SELECT id FROM users WHERE username = 'shopper14242'`);

    expectBounded(await readsOfRequest(() => list('?filters.status=paid'), ['orders']), BOUNDED);
    expectBounded(await readsOfRequest(() => list('?filters.status=completed&page=5'), ['orders']), BOUNDED);
    expectBounded(await readsOfRequest(() => list(`?filters.user_id=${customer}`), ['orders']), 50);
    expectBounded(await readsOfRequest(() => list('?page=50'), ['orders']), BOUNDED);
    const byEmail = await readsOfRequest(() => list('?filters.customer=SHOPPER4242@example.test'), ['orders', 'users']);
    expectBounded(byEmail, 50);
  }, 60_000);

  it('serves an accent-insensitive username search, date and amount ranges from indexes', async () => {
    await loadOrders();
    const { list, totalOf, count } = await staffLists('orders');

    const byName = await readsOfRequest(
      () => list(`?filters.customer=${encodeURIComponent('SHÓPPER14242')}`),
      ['orders', 'users'],
    );
    expectBounded(byName, 50);
    expectIndexed(byName, 'users_username_unaccent_trgm_idx');

    const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
    const recent = `?filters.created_at~~from=${day(15)}&filters.created_at~~to=${day(0)}`;
    const dates = await readsOfRequest(() => list(recent), ['orders']);
    expectBounded(dates, BOUNDED);
    expectIndexed(dates, 'orders_created_idx');
    expect(await totalOf(recent)).toBe(await count(`created_at >= '${day(15)}'`));

    // Status and dates together: the planner reads the window by date (the orders lie in date order, so
    // that is sequential) or the status's rows by orders_status_created_idx, whichever is fewer pages;
    // either way never the table.
    const paidRecent = `?filters.status=paid&filters.created_at~~from=${day(60)}`;
    const window = await count(`created_at >= '${day(60)}'`);
    expect(window).toBeLessThan(ORDERS / 10);
    const paidInWindow = await readsOfRequest(() => list(paidRecent), ['orders']);
    expectBounded(paidInWindow, window + BOUNDED);
    for (const read of paidInWindow) expect(read.scans, read.plan).not.toContain('Seq Scan');
    expect(await totalOf(paidRecent)).toBe(await count(`status = 'paid' AND created_at >= '${day(60)}'`));

    const amounts = '?filters.total_amount~~from=98&filters.total_amount~~to=99';
    const byAmount = await readsOfRequest(() => list(amounts), ['orders']);
    expectBounded(byAmount, BOUNDED);
    expectIndexed(byAmount, 'orders_total_idx');
    expect(await totalOf(amounts)).toBe(await count('total_amount BETWEEN 98 AND 99'));
  }, 60_000);
});

describe('the dashboard on 40,000 orders over two years', () => {
  it("reads the last 30 days' orders and today's sign-ups only", async () => {
    await loadOrders();
    const { recent } = await oneRow<{ recent: number }>(
      `SELECT count(*)::int AS recent FROM orders WHERE created_at >= now() - interval '31 days'`,
    );
    const reads = await readsOfRequest(() => dashboard(), ['orders', 'users']);
    const paid = ORDERS / 50;
    expectBounded(reads, recent + paid + 100);
    expect(recent + paid).toBeLessThan(ORDERS / 5);
  }, 60_000);
});
