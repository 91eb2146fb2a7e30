/**
 * The real migrations and seeders, run through sequelize-cli (as
 * `npm run db:migrate` / `db:seed` do) on a database of this test's own.
 */
import bcrypt from 'bcrypt';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropDatabase, recreateDatabase } from './support/admin-db.js';
import { sequelizeCli, sequelizeCliWithEnv } from './support/cli.js';
import { databaseUrl, runPrefix } from './support/databases.js';

const TABLES = [
  'admin_logs',
  'carts',
  'catalog_words',
  'categories',
  'order_items',
  'orders',
  'products',
  'reviews',
  'users',
];
// A database of this file's own (named under the run's prefix, so a crashed run's copy is cleaned up).
const name = `${runPrefix(inject('testRun').runPid)}_migrations_${process.pid}`;
const url = databaseUrl(name);
let client: pg.Client;

const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> =>
  (await client.query<T>(sql, params)).rows;
const tables = async (): Promise<string[]> =>
  (await query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).map(
    (row) => row.tablename,
  );
const count = async (table: string): Promise<number> =>
  Number((await query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);

beforeAll(async () => {
  await recreateDatabase(name);
  client = new pg.Client({ connectionString: url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await dropDatabase(name);
});

describe('migrations', () => {
  it('create the tables (the 8 of the SPEC and catalog_words), undo all of them, and create them again', async () => {
    await sequelizeCli(url, 'db:migrate');
    expect(await tables()).toEqual(['SequelizeMeta', ...TABLES]);

    await sequelizeCli(url, 'db:migrate:undo:all');
    expect(await tables()).toEqual(['SequelizeMeta']);
    const functions = await query(
      `SELECT 1 FROM pg_proc WHERE proname IN ('admin_logs_append_only', 'account_skeleton')`,
    );
    expect(functions).toHaveLength(0);

    await sequelizeCli(url, 'db:migrate');
    expect(await tables()).toEqual(['SequelizeMeta', ...TABLES]);
  });

  it('declare the constraints the SPEC asks for', async () => {
    const constraints = (
      await query<{ conname: string }>(`SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace`)
    ).map((row) => row.conname);
    expect(constraints).toEqual(
      expect.arrayContaining([
        'products_stock_nonnegative',
        'products_price_positive',
        'products_category_id_fkey',
        'carts_user_product_key',
        'carts_quantity_positive',
        'orders_user_idempotency_key',
        'orders_status_check',
        'order_items_order_id_fkey',
        'reviews_rating_range',
        'reviews_order_product_key',
        'reviews_order_item_fkey',
        'admin_logs_admin_id_fkey',
        'users_role_check',
      ]),
    );
    const money = await query<{
      table_name: string;
      column_name: string;
      numeric_precision: number;
      numeric_scale: number;
    }>(
      `SELECT table_name, column_name, numeric_precision, numeric_scale FROM information_schema.columns
        WHERE data_type = 'numeric' AND column_name IN ('price', 'total_amount', 'subtotal') ORDER BY 1, 2`,
    );
    expect(money).toEqual([
      { table_name: 'order_items', column_name: 'price', numeric_precision: 12, numeric_scale: 2 },
      { table_name: 'order_items', column_name: 'subtotal', numeric_precision: 12, numeric_scale: 2 },
      { table_name: 'orders', column_name: 'total_amount', numeric_precision: 12, numeric_scale: 2 },
      { table_name: 'products', column_name: 'price', numeric_precision: 12, numeric_scale: 2 },
    ]);
    const jsonb = await query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'jsonb' ORDER BY 1`,
    );
    expect(jsonb).toEqual([
      { table_name: 'admin_logs', column_name: 'details' },
      { table_name: 'reviews', column_name: 'images' },
    ]);
    const indexes = (
      await query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`)
    ).map((row) => row.indexname);
    expect(indexes).toEqual(
      expect.arrayContaining([
        'products_search_idx',
        'users_email_lower_key',
        'users_username_lower_key',
        'orders_user_created_idx',
      ]),
    );
  });

  it('index product search: a full-text query uses the GIN index', async () => {
    await client.query('SET enable_seqscan = off');
    const plan = await query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id FROM products WHERE search_vector @@ websearch_to_tsquery('english', 'waterproof')`,
    );
    await client.query('RESET enable_seqscan');
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('products_search_idx');
  });
});

describe('look-alike names', () => {
  const SKELETONS = '20261202000010-users-name-skeletons.cjs';
  const insertUser = (username: string, email: string) =>
    query(`INSERT INTO users (username, email, password_hash) VALUES ($1, $2, 'x') RETURNING id`, [username, email]);
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => ({}),
      (error: { code?: string; constraint?: string }) => ({ code: error.code, constraint: error.constraint }),
    );
  // The seeders' tests below expect a database without users.
  afterEach(() => query('DELETE FROM users'));

  it('give every row skeletons, raw SQL writers included, and refuse look-alikes and unnormalised names there', async () => {
    await insertUser('Admin', 'Admin@Shop.test');
    expect(await query('SELECT username_skeleton, email_skeleton FROM users')).toEqual([
      { username_skeleton: 'adrnln', email_skeleton: 'adrnln@shop.test' },
    ]);
    expect(await refusal(insertUser('adrnin', 'other@shop.test'))).toEqual({
      code: '23505',
      constraint: 'users_username_skeleton_key',
    });
    expect(await refusal(insertUser('other', 'аdmin@shop.test'))).toEqual({
      code: '23505',
      constraint: 'users_email_skeleton_key',
    });
    expect(await refusal(insertUser('other', 'ｏther@shop.test'))).toEqual({
      code: '23514',
      constraint: 'users_email_nfkc',
    });
    expect(await refusal(query(`UPDATE users SET username_skeleton = 'x'`))).toMatchObject({ code: '428C9' });
  });

  it('normalise and skeleton the rows already there, stopping with their ids on look-alikes', async () => {
    await sequelizeCli(url, 'db:migrate:undo', '--name', SKELETONS);
    await insertUser('carl', 'Ｃarl＠example．com');
    const [modern] = await insertUser('modern', 'modern@example.com');
    const [lookAlike] = await insertUser('rnodern', 'second@example.com');
    await expect(sequelizeCli(url, 'db:migrate')).rejects.toThrow(
      new RegExp(`look-alike names.*username: users ${modern!.id}, ${lookAlike!.id}`),
    );
    expect(await query(`SELECT 1 FROM pg_proc WHERE proname = 'account_skeleton'`)).toHaveLength(0);

    await query(`UPDATE users SET username = 'ancient' WHERE id = $1`, [lookAlike!.id]);
    await sequelizeCli(url, 'db:migrate');
    expect(await query('SELECT username, email, email_skeleton FROM users ORDER BY id')).toEqual([
      { username: 'carl', email: 'Carl@example.com', email_skeleton: 'carl@exarnple.corn' },
      { username: 'modern', email: 'modern@example.com', email_skeleton: 'rnodern@exarnple.corn' },
      { username: 'ancient', email: 'second@example.com', email_skeleton: 'second@exarnple.corn' },
    ]);
  });
});

describe('seeders', () => {
  const seedEnv = {
    DATABASE_URL: url,
    ADMIN_EMAIL: 'Boss@Shop.test',
    ADMIN_PASSWORD: 'boss-password-1',
    DEMO_PASSWORD: 'demo-password-1',
    SEED_DEMO_DATA: 'true',
  };

  it('load categories, products, the admin and the demo shopper, once', async () => {
    await sequelizeCliWithEnv(seedEnv, 'db:seed:all');
    expect(await count('categories')).toBe(8);
    expect(await count('products')).toBeGreaterThanOrEqual(200);

    const perCategory = await query<{ n: string }>('SELECT count(*) AS n FROM products GROUP BY category_id');
    expect(perCategory).toHaveLength(8);
    const bad = await query(`SELECT id FROM products WHERE price <= 0 OR stock < 0 OR image_url NOT LIKE 'https://%'`);
    expect(bad).toHaveLength(0);

    const users = await query<{
      username: string;
      email: string;
      role: string;
      is_active: boolean;
      password_hash: string;
    }>('SELECT username, email, role, is_active, password_hash FROM users ORDER BY id');
    expect(users.map(({ username, email, role, is_active }) => ({ username, email, role, is_active }))).toEqual([
      { username: 'admin', email: 'Boss@Shop.test', role: 'admin', is_active: true },
      { username: 'demo', email: 'demo@emporium.local', role: 'customer', is_active: true },
    ]);
    expect(await bcrypt.compare('boss-password-1', users[0]!.password_hash)).toBe(true);
    expect(await bcrypt.compare('demo-password-1', users[1]!.password_hash)).toBe(true);

    // Tracked in SequelizeData: a second run inserts nothing.
    await sequelizeCliWithEnv(seedEnv, 'db:seed:all');
    expect(await count('categories')).toBe(8);
    expect(await count('users')).toBe(2);
    expect(await count('"SequelizeData"')).toBe(3);
  });
});

describe('seeders in production', () => {
  const prodName = `${name}_prod`;
  const prodUrl = databaseUrl(prodName);
  const production = {
    DATABASE_URL: prodUrl,
    NODE_ENV: 'production',
    SEED_DEMO_DATA: '',
    ADMIN_EMAIL: 'ops@shop.test',
  };
  let prod: pg.Client;

  beforeAll(async () => {
    await recreateDatabase(prodName);
    await sequelizeCli(prodUrl, 'db:migrate');
    prod = new pg.Client({ connectionString: prodUrl });
    await prod.connect();
  });
  afterAll(async () => {
    await prod.end();
    await dropDatabase(prodName);
  });

  it('refuse the documented default or a short admin password', async () => {
    for (const password of ['admin-dev-password', 'short-pw']) {
      await expect(sequelizeCliWithEnv({ ...production, ADMIN_PASSWORD: password }, 'db:seed:all')).rejects.toThrow(
        /ADMIN_PASSWORD: production needs your own password/,
      );
    }
    expect((await prod.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 0 }]);
  });

  it('seed only the admin: no demo catalog or shopper unless SEED_DEMO_DATA=true', async () => {
    await sequelizeCliWithEnv({ ...production, ADMIN_PASSWORD: 'a-long-production-password' }, 'db:seed:all');
    expect((await prod.query('SELECT count(*)::int AS n FROM products')).rows).toEqual([{ n: 0 }]);
    expect((await prod.query('SELECT email, role FROM users')).rows).toEqual([
      { email: 'ops@shop.test', role: 'admin' },
    ]);
  });
});

describe('the admin seeder and look-alikes', () => {
  const lookName = `${name}_look`;
  const lookUrl = databaseUrl(lookName);
  const env = { DATABASE_URL: lookUrl, SEED_DEMO_DATA: 'false', ADMIN_PASSWORD: 'boss-password-1' };
  let look: pg.Client;

  beforeAll(async () => {
    await recreateDatabase(lookName);
    await sequelizeCli(lookUrl, 'db:migrate');
    look = new pg.Client({ connectionString: lookUrl });
    await look.connect();
  });
  afterAll(async () => {
    await look.end();
    await dropDatabase(lookName);
  });

  it('stops when another account has a look-alike of ADMIN_EMAIL, and stores ADMIN_EMAIL NFKC-normalised', async () => {
    const { rows } = await look.query<{ id: number }>(
      `INSERT INTO users (username, email, password_hash) VALUES ('shopper', 'οps@shop.test', 'x') RETURNING id`,
    );
    await expect(sequelizeCliWithEnv({ ...env, ADMIN_EMAIL: 'ops@shop.test' }, 'db:seed:all')).rejects.toThrow(
      `ADMIN_EMAIL ops@shop.test looks like the e-mail of user ${rows[0]!.id}`,
    );
    expect((await look.query('SELECT role FROM users')).rows).toEqual([{ role: 'customer' }]);

    await look.query('DELETE FROM users');
    await sequelizeCliWithEnv({ ...env, ADMIN_EMAIL: 'ＯＰＳ＠ｓｈｏｐ．ｔｅｓｔ' }, 'db:seed:all');
    expect((await look.query('SELECT username, email, role FROM users')).rows).toEqual([
      { username: 'admin', email: 'OPS@shop.test', role: 'admin' },
    ]);
  });
});
