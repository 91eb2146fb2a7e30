/**
 * scripts/seed-bulk.ts on a small shop: it adds to the demo seed, every
 * invariant of test/fuzz/invariants.ts holds afterwards, statuses and
 * timestamps tell one consistent story, the schema comes back exactly as it
 * was, the shoppers can log in and their orders replay like the app's own,
 * and the same seed gives the same shop.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import bcrypt from 'bcrypt';
import pg from 'pg';
import request from 'supertest';
import { describe, expect, inject, it } from 'vitest';
import { SHOPPER_PASSWORD } from '../scripts/seed-bulk/shoppers.js';
import { config } from '../src/config.js';
import { invariantViolations } from './fuzz/invariants.js';
import { bearer, loginAs } from './support/auth.js';
import { dropDatabase, recreateDatabase } from './support/admin-db.js';
import { sequelizeCliWithEnv } from './support/cli.js';
import { useTestApp } from './support/context.js';
import { databaseUrl, runPrefix, templateDb } from './support/databases.js';
import { oneRow } from './support/sql.js';

const ctx = useTestApp();
const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const { runPid } = inject('testRun');
const poolId = process.env.VITEST_POOL_ID ?? '1';

/**
 * Runs the loader against `url`. PGOPTIONS gives its session a 100 ms
 * statement timeout, far below what its statements take: the load only
 * succeeds because the loader lifts the timeout for itself.
 */
async function seedBulk(url: string, ...args: string[]): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/seed-bulk.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, PGOPTIONS: '-c statement_timeout=100' },
  });
  return stdout + stderr;
}

/** Rows of `sql` on the database at `url`. */
async function query<T extends object>(url: string, sql: string, bind: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, bind)).rows;
  } finally {
    await client.end();
  }
}

/** Every index and constraint definition of the shop's tables: what the loader must put back. */
const SCHEMA = `SELECT tablename || ' ' || indexdef AS definition FROM pg_indexes WHERE schemaname = 'public'
                UNION ALL
                SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
                 WHERE connamespace = 'public'::regnamespace
                ORDER BY 1`;

/** A digest of each loaded table's rows, in id order (but for the bcrypt hash: its salt is random). */
const DIGESTS = ['users', 'products', 'orders', 'order_items', 'reviews'].map(
  (table) => `SELECT '${table}' AS name, count(*)::int AS rows,
                     md5(coalesce(string_agg((to_jsonb(t) - 'password_hash')::text, '|' ORDER BY t.id), '')) AS digest
                FROM ${table} t`,
);

/** Orders whose status, timestamps and cancel reason disagree, as "id: problem". */
const TIMELINE_PROBLEMS = `
  SELECT o.id || ': ' || o.status AS problem FROM orders o WHERE NOT (
    CASE o.status
      WHEN 'pending' THEN num_nonnulls(paid_at, shipped_at, completed_at, cancelled_at, cancel_reason) = 0
                          AND expires_at > $1
      WHEN 'paid' THEN paid_at IS NOT NULL AND num_nonnulls(shipped_at, completed_at, cancelled_at) = 0
      WHEN 'shipped' THEN num_nonnulls(paid_at, shipped_at) = 2 AND num_nonnulls(completed_at, cancelled_at) = 0
      WHEN 'completed' THEN num_nonnulls(paid_at, shipped_at, completed_at) = 3 AND cancelled_at IS NULL
      WHEN 'cancelled' THEN cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL
                            AND num_nonnulls(shipped_at, completed_at) = 0
                            AND (cancel_reason <> 'expired' OR (paid_at IS NULL AND cancelled_at >= expires_at))
    END
    AND expires_at = created_at + make_interval(mins => $2)
    AND paid_at <= expires_at IS NOT FALSE
    AND created_at <= coalesce(paid_at, created_at) AND coalesce(paid_at, created_at) <= coalesce(shipped_at, 'infinity')
    AND coalesce(shipped_at, created_at) <= coalesce(completed_at, 'infinity')
    AND created_at <= coalesce(cancelled_at, created_at) AND coalesce(paid_at, created_at) <= coalesce(cancelled_at, 'infinity')
    AND greatest(created_at, paid_at, shipped_at, completed_at, cancelled_at) = updated_at AND updated_at <= $1)
  UNION ALL
  SELECT i.order_id || ': line snapshot or line of a product or shopper newer than the order'
    FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id JOIN users u ON u.id = o.user_id
   WHERE i.product_name <> p.name OR i.price <> p.price OR p.created_at > o.created_at OR u.created_at > o.created_at
  UNION ALL
  SELECT o.id || ': ' || count(*) || ' lines' FROM orders o JOIN order_items i ON i.order_id = o.id
   GROUP BY o.id HAVING count(*) > 5
  UNION ALL
  SELECT r.id || ': review outside completion … present' FROM reviews r JOIN orders o ON o.id = r.order_id
   WHERE r.created_at < o.completed_at OR r.created_at > $1`;

describe('seed:bulk', () => {
  it('adds a shop of 2,000 products and 3,000 orders to the demo seed that keeps every invariant', async () => {
    // Direct (not through PgBouncer in that topology): seed:bulk sets session options.
    const url = config.db.directUrl;
    // The worker's database is shared by test files: forget earlier seeding so the demo seed runs again.
    await query(
      url,
      `DO $$ BEGIN IF to_regclass('"SequelizeData"') IS NOT NULL THEN DELETE FROM "SequelizeData"; END IF; END $$`,
    );
    await sequelizeCliWithEnv(
      {
        DATABASE_URL: url,
        SEED_DEMO_DATA: 'true',
        ADMIN_EMAIL: 'boss@shop.test',
        ADMIN_PASSWORD: 'boss-password-1',
        DEMO_PASSWORD: 'demo-password-1',
      },
      'db:seed:all',
    );
    const demo = `SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) AS digest FROM`;
    const before = {
      schema: await query<{ definition: string }>(url, SCHEMA),
      users: await oneRow<{ digest: string }>(`${demo} users t`),
      products: await oneRow<{ digest: string }>(`${demo} products t`),
      counts: await oneRow<{ products: number; users: number }>(
        'SELECT (SELECT count(*) FROM products)::int AS products, (SELECT count(*) FROM users)::int AS users',
      ),
    };
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);

    const output = await seedBulk(url, '--products', '2000', '--orders', '3000', '--at', at.toISOString());
    expect(output).toMatch(/done in [\d.]+ s/);

    const counts = await oneRow<Record<string, number>>(
      `SELECT (SELECT count(*) FROM products)::int AS products, (SELECT count(*) FROM users)::int AS users,
              (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_items)::int AS lines,
              (SELECT count(*) FROM reviews)::int AS reviews`,
    );
    expect(counts).toMatchObject({
      products: before.counts.products + 2000,
      users: before.counts.users + 300,
      orders: 3000,
    });
    expect(counts.lines).toBeGreaterThan(5000); // 1–5 lines, about 2.15 on average
    expect(counts.reviews).toBeGreaterThan(200); // one completed line in ten

    // The demo seed is untouched, the schema is back as it was, and every invariant holds.
    expect(await oneRow(`${demo} users t WHERE id <= ${before.counts.users}`)).toEqual(before.users);
    expect(await oneRow(`${demo} products t WHERE id <= ${before.counts.products}`)).toEqual(before.products);
    expect(await query(url, SCHEMA)).toEqual(before.schema);
    const staff = await query<{ id: number }>(url, `SELECT id FROM users WHERE role = 'admin'`);
    expect(await invariantViolations(staff.map((row) => row.id))).toEqual([]);
    const problems = await query<{ problem: string }>(url, TIMELINE_PROBLEMS, [at, config.orders.pendingTtlMinutes]);
    expect(problems.map((row) => row.problem)).toEqual([]);

    // Every status occurs, in shop-like shares; pending ones are this half hour's, at most one per shopper.
    const statuses = Object.fromEntries(
      (await query<{ status: string; n: number }>(url, 'SELECT status, count(*)::int AS n FROM orders GROUP BY 1')).map(
        (row) => [row.status, row.n],
      ),
    );
    expect(statuses.completed).toBeGreaterThan(2400);
    expect(statuses.cancelled).toBeGreaterThan(150);
    expect(statuses.shipped).toBeGreaterThan(30);
    expect(statuses.paid).toBeGreaterThan(0);
    expect(statuses.pending).toBeGreaterThan(0);
    expect(statuses.pending).toBeLessThanOrEqual(10);
    const { most } = await oneRow<{ most: number }>('SELECT max(pending_orders)::int AS most FROM users');
    expect(most).toBe(1);

    // The catalog: "features" in every description, ~5 % out of stock, ~1 % archived, statistics made.
    const catalog = await oneRow<Record<string, number>>(
      `SELECT count(*) FILTER (WHERE description NOT LIKE '%Features %')::int AS without_features,
              count(*) FILTER (WHERE stock = 0)::int AS sold_out, count(*) FILTER (WHERE archived)::int AS archived,
              count(*) FILTER (WHERE sales_count > 0)::int AS sold, count(*) FILTER (WHERE review_count > 0)::int AS rated,
              (SELECT reltuples FROM pg_class WHERE relname = 'products')::int AS estimated
         FROM products WHERE id > ${before.counts.products}`,
    );
    expect(catalog.without_features).toBe(0);
    expect(catalog.sold_out).toBeGreaterThan(40);
    expect(catalog.sold_out).toBeLessThan(200);
    expect(catalog.archived).toBeLessThan(60);
    expect(catalog.sold).toBeGreaterThan(1000);
    expect(catalog.rated).toBeGreaterThan(100);
    expect(catalog.estimated).toBe(before.counts.products + 2000);

    // A shopper logs in with the documented password (hash at BCRYPT_COST) and sees their order through the API;
    // checking out again with that order's Idempotency-Key and address replays it: the fingerprint is the app's.
    const order = await oneRow<{ id: number; username: string; key: string; address: string; hash: string }>(
      `SELECT o.id, u.username, o.idempotency_key AS key, o.shipping_address AS address, u.password_hash AS hash
         FROM orders o JOIN users u ON u.id = o.user_id
        WHERE o.idempotency_key IS NOT NULL AND o.status = 'completed' AND u.is_active ORDER BY o.id LIMIT 1`,
    );
    expect(bcrypt.getRounds(order.hash)).toBe(config.auth.bcryptCost);
    const { access_token } = await loginAs(ctx.app, order.username, SHOPPER_PASSWORD);
    const mine = await request(ctx.app).get(`/api/v1/orders/${order.id}`).set('authorization', bearer(access_token));
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    const replay = await request(ctx.app)
      .post('/api/v1/orders')
      .set('authorization', bearer(access_token))
      .set('idempotency-key', order.key)
      .send({ shipping_address: order.address });
    expect(replay.status, JSON.stringify(replay.body)).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(order.id);
  }, 120_000);

  it('gives the same shop for the same seed and another for another seed; --products alone loads a catalog', async () => {
    const names = ['a', 'b'].map((letter) => `${runPrefix(runPid)}_seedbulk_${poolId}_${letter}`);
    const [first, second] = names.map(databaseUrl) as [string, string];
    try {
      for (const name of names) await recreateDatabase(name, templateDb(runPid));
      const args = ['--products', '300', '--orders', '500', '--shoppers', '40', '--seed', '7'];
      const at = ['--at', '2026-06-01T12:00:00Z'];
      await seedBulk(first, ...args, ...at);
      await seedBulk(second, ...args, ...at);
      const digests = async (url: string) => Promise.all(DIGESTS.map(async (sql) => (await query(url, sql))[0]));
      const firstShop = await digests(first);
      expect(firstShop.map((table) => (table as { rows: number }).rows)).toEqual([
        40,
        300,
        500,
        expect.any(Number),
        expect.any(Number),
      ]);
      expect(await digests(second)).toEqual(firstShop);

      await recreateDatabase(names[1]!, templateDb(runPid));
      await seedBulk(second, ...args.slice(0, -1), '8', ...at);
      const otherShop = await digests(second);
      for (const [index, table] of otherShop.entries()) expect(table).not.toEqual(firstShop[index]);

      // Without --orders: a catalog, no shoppers or orders, figures at zero.
      await recreateDatabase(names[1]!, templateDb(runPid));
      await seedBulk(second, '--products', '50');
      expect(
        await query(
          second,
          `SELECT (SELECT count(*) FROM products)::int AS products, (SELECT count(*) FROM users)::int AS users,
                  (SELECT count(*) FROM orders)::int AS orders,
                  (SELECT count(*) FROM products WHERE sales_count + review_count > 0)::int AS with_figures`,
        ),
      ).toEqual([{ products: 50, users: 0, orders: 0, with_figures: 0 }]);
    } finally {
      for (const name of names) await dropDatabase(name);
    }
  }, 120_000);

  it('cannot give two shoppers look-alike names: only the ids differ, and their skeletons cannot collide', async () => {
    // Usernames and e-mails are <letters and separators><. or _><id>[@domain]. With these facts, a name's
    // skeleton ends in the separator and the id's digits mapped one for one, so equal skeletons mean equal ids.
    const skeletons = await query<{ ch: string; skeleton: string }>(
      config.db.url,
      `SELECT ch, account_skeleton(ch) AS skeleton
         FROM regexp_split_to_table('abcdefghijklmnopqrstuvwxyz0123456789._@', '') AS ch`,
    );
    const of = new Map(skeletons.map((row) => [row.ch, row.skeleton]));
    for (const separator of ['.', '_', '@']) expect(of.get(separator)).toBe(separator);
    for (const letter of 'abcdefghijklmnopqrstuvwxyz') expect(of.get(letter)).toMatch(/^[a-z]+$/);
    const digits = [...'0123456789'].map((digit) => of.get(digit)!);
    for (const skeleton of digits) expect(skeleton).toMatch(/^[a-z0-9]$/);
    expect(new Set(digits).size).toBe(10);
  });
});
