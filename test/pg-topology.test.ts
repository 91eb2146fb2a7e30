/**
 * What the PostgreSQL topologies promise (test/support/pg-topology.ts): through
 * PgBouncer in transaction mode the timeouts hold and the hot paths work
 * with unnamed statements; the migration lock excludes on the direct URL;
 * with a replica, catalog reads go to it, a shopper's own cart stays fresh,
 * and catalog reads fall back to the primary when the replica is down.
 */
import './support/spare-replica.js';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { config } from '../src/config.js';
import { queryRows, replicaReads, replicaStates, sequelize } from '../src/db.js';
import { useTestApp } from './support/context.js';
import { bearer, userWithTokens } from './support/auth.js';
import {
  TOPOLOGY,
  appDatabaseUrl,
  databaseUrl,
  replicaUrl,
  runPrefix,
  templateDb,
  workerDb,
} from './support/databases.js';
import { dropDatabase, recreateDatabase } from './support/admin-db.js';
import { createCategory, createProduct } from './support/factories.js';
import { stopCluster } from './support/pg-topology.js';
import { addToCart, checkout, orderAction } from './support/shop.js';

const ctx = useTestApp();
const { runPid } = inject('testRun');
const poolId = Number(process.env.VITEST_POOL_ID ?? '1');

/** A direct connection to this worker's database on the primary (bypassing any pooler). */
async function direct(url = databaseUrl(workerDb(runPid, poolId))): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

describe.runIf(TOPOLOGY === 'pgbouncer')('through PgBouncer in transaction mode', () => {
  it('connects through the pooler, in transaction mode', () => {
    expect(new URL(config.db.url).port).not.toBe(new URL(databaseUrl('x')).port);
    expect(config.db.poolMode).toBe('transaction');
  });

  it('keeps the statement timeout inside a transaction (SET LOCAL) and on single statements (role setting)', async () => {
    const [inside] = await sequelize.transaction((transaction) =>
      sequelize.query<{ statement_timeout: string }>('SHOW statement_timeout', {
        transaction,
        type: QueryTypes.SELECT,
      }),
    );
    expect(inside!.statement_timeout).toBe(`${config.db.statementTimeoutMs / 1000}s`);
    const [single] = await queryRows<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(single!.statement_timeout).toBe(`${config.db.statementTimeoutMs / 1000}s`);
    const [idle] = await sequelize.transaction((transaction) =>
      sequelize.query<{ idle_in_transaction_session_timeout: string }>('SHOW idle_in_transaction_session_timeout', {
        transaction,
        type: QueryTypes.SELECT,
      }),
    );
    expect(idle!.idle_in_transaction_session_timeout).toBe('1min');
  });

  it("cancels a request's statement that waits too long, with 503", async () => {
    const category = await createCategory();
    const product = await createProduct(category.id);
    const { tokens } = await userWithTokens(ctx.app);
    await addToCart(ctx.app, tokens.access_token, product.id);
    const order = await checkout(ctx.app, tokens.access_token);
    const holder = await direct();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [order.id]);
      const started = Date.now();
      const res = await orderAction(ctx.app, tokens.access_token, order.id, 'cancel');
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(config.db.statementTimeoutMs - 200);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    const after = await orderAction(ctx.app, tokens.access_token, order.id, 'cancel');
    expect(after.status).toBe(200);
  }, 30_000);

  it('serves the hot paths with unnamed statements, again and again on shared server connections', async () => {
    const category = await createCategory();
    const product = await createProduct(category.id, { stock: 50 });
    const { tokens } = await userWithTokens(ctx.app);
    for (let round = 0; round < 3; round += 1) {
      const [detail, me, cart] = await Promise.all([
        request(ctx.app).get(`/api/v1/products/${product.id}`),
        request(ctx.app).get('/api/v1/users/me').set('Authorization', bearer(tokens.access_token)),
        request(ctx.app).get('/api/v1/cart').set('Authorization', bearer(tokens.access_token)),
      ]);
      expect([detail.status, me.status, cart.status]).toEqual([200, 200, 200]);
      await addToCart(ctx.app, tokens.access_token, product.id);
      expect((await checkout(ctx.app, tokens.access_token)).status).toBe('pending');
    }
  });
});

describe('the migration lock', () => {
  const name = `${runPrefix(runPid)}_lock_${poolId}`;
  afterAll(() => dropDatabase(name));

  it('makes a second migrator wait on the direct connection, then lets it run and leaves no lock behind', async () => {
    await recreateDatabase(name, templateDb(runPid));
    const holder = await direct(databaseUrl(name));
    try {
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', ['emporium:migrations']);
      const migrator = spawn(process.execPath, ['db/migrate-and-seed.cjs'], {
        cwd: new URL('..', import.meta.url).pathname,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          DATABASE_URL: appDatabaseUrl(name),
          DATABASE_DIRECT_URL: databaseUrl(name),
          DB_POOL_MODE: TOPOLOGY === 'pgbouncer' ? 'transaction' : 'session',
          SEED_DEMO_DATA: 'false',
        },
        stdio: 'pipe',
      });
      let output = '';
      migrator.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      migrator.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => migrator.on('exit', resolve));
      const waiting = async () =>
        (
          await holder.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
              WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1`,
            [name],
          )
        ).rows[0]!.n;
      const deadline = Date.now() + 15_000;
      while ((await waiting()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await waiting(), output).toBe(1);
      expect(migrator.exitCode).toBeNull();
      await holder.query('SELECT pg_advisory_unlock(hashtext($1))', ['emporium:migrations']);
      expect(await exited, output).toBe(0);
      const held = await holder.query(
        `SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = $1`,
        [name],
      );
      expect(held.rowCount).toBe(0);
      if (TOPOLOGY === 'pgbouncer') {
        const { rows } = await holder.query<{ setconfig: string[] }>(
          `SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1`,
          [name],
        );
        expect(rows[0]!.setconfig).toEqual(
          expect.arrayContaining(['statement_timeout=5000ms', 'idle_in_transaction_session_timeout=60000ms']),
        );
      }
    } finally {
      await holder.end();
    }
  }, 60_000);
});

describe.runIf(TOPOLOGY === 'replica')('with a read replica', () => {
  const spare = () => direct(replicaUrl(workerDb(runPid, poolId), 'spare'));
  const served = async (result: 'replica' | 'fallback') =>
    (await replicaReads.get()).values.find((value) => value.labels.result === result)?.value ?? 0;

  it('serves catalog reads from the replica, a shopper their own fresh cart from the primary', async () => {
    const category = await createCategory();
    const product = await createProduct(category.id);
    const replica = await spare();
    try {
      const recovering = await replica.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
      expect(recovering.rows[0]!.r).toBe(true);
      // The product is on the replica before replay is paused: the replica answers for it.
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const { rowCount } = await replica.query('SELECT 1 FROM products WHERE id = $1', [product.id]);
        if (rowCount) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await replica.query('SELECT pg_wal_replay_pause()');
      const before = await served('replica');
      expect((await request(ctx.app).get(`/api/v1/products/${product.id}`)).status).toBe(200);
      expect(await served('replica')).toBeGreaterThan(before);
      // Written after the pause: on the primary only. The catalog does not see it yet (it reads the replica)...
      const later = await createProduct(category.id);
      expect((await request(ctx.app).get(`/api/v1/products/${later.id}`)).status).toBe(404);
      // ... but the shopper's own cart, written now, is read back fresh (from the primary).
      const { tokens } = await userWithTokens(ctx.app);
      await addToCart(ctx.app, tokens.access_token, later.id, 2);
      const cart = await request(ctx.app).get('/api/v1/cart').set('Authorization', bearer(tokens.access_token));
      expect(cart.status).toBe(200);
      expect(JSON.stringify(cart.body)).toContain(`"product_id":${later.id}`);
      await replica.query('SELECT pg_wal_replay_resume()');
    } finally {
      await replica.end();
    }
  });

  it('answers catalog reads from the primary when the replica is stopped, and counts the fallback', async () => {
    const category = await createCategory();
    const product = await createProduct(category.id);
    await stopCluster(runPid, 'spare');
    const before = await served('fallback');
    const started = Date.now();
    const [list, detail, categories] = await Promise.all([
      request(ctx.app).get('/api/v1/products'),
      request(ctx.app).get(`/api/v1/products/${product.id}`),
      request(ctx.app).get('/api/v1/categories'),
    ]);
    expect([list.status, detail.status, categories.status]).toEqual([200, 200, 200]);
    expect(Date.now() - started).toBeLessThan(config.db.replicaConnectTimeoutMs + 2_000);
    expect(await served('fallback')).toBeGreaterThan(before);
    expect(replicaStates().every((state) => !state.available)).toBe(true);
    // The circuit is open: the next reads go straight to the primary.
    expect((await request(ctx.app).get('/api/v1/products?page=2')).status).toBe(200);
  });
});
