/**
 * queryRows (src/db.ts), the raw pooled query of the hot read paths: its
 * failures are the same Sequelize errors any other query raises (so the
 * error handler, takenConflict and withRetry treat them alike), and the pool
 * connection always goes back, whatever happened.
 */
import {
  DatabaseError,
  ForeignKeyConstraintError,
  QueryTypes,
  UniqueConstraintError,
  ValidationError as SequelizeValidationError,
} from 'sequelize';
import { describe, expect, it } from 'vitest';
import { config } from '../src/config.js';
import { poolStats, prepared, queryRows, sequelize } from '../src/db.js';
import { ConflictError } from '../src/errors.js';
import { User } from '../src/models/index.js';
import { withRetry } from '../src/services/transactions.js';
import { takenConflict } from '../src/services/user-service.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct, createUser } from './support/factories.js';

useTestApp();

/** The error a promise rejects with (failing the test if it resolves). */
type Failure = Error & { parent?: { code?: string; constraint?: string }; sql?: string };

async function failure(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    return error as Failure;
  }
  throw new Error('expected the query to fail');
}

const INSERT_USER = `INSERT INTO users (username, email, password_hash, role, is_active, created_at, updated_at)
  VALUES ($1, $2, 'x', 'customer', true, now(), now()) RETURNING id`;

describe('queryRows', () => {
  it('returns the rows with the same type parsing as Sequelize (ints, numerics as strings, dates)', async () => {
    const category = await createCategory();
    const product = await createProduct(category.id, { price: '19.99', stock: 4 });
    const [row] = await queryRows<{ id: number; price: string; stock: number; created_at: Date }>(
      'SELECT id, price, stock, created_at FROM products WHERE id = $1',
      [product.id],
    );
    expect(row).toEqual({ id: product.id, price: '19.99', stock: 4, created_at: product.created_at });
    expect(await queryRows('SELECT 1 FROM products WHERE id = $1', [product.id + 1])).toEqual([]);
  });

  it('runs a prepared statement on every pooled connection, again and again, with the same errors', async () => {
    const double = prepared('test_double', 'SELECT $1::int * 2 AS n');
    for (let round = 0; round < 3; round += 1) {
      const rows = await Promise.all(
        Array.from({ length: config.db.poolMax * 2 }, (_, i) => queryRows<{ n: number }>(double, [i])),
      );
      expect(rows.map(([row]) => row!.n)).toEqual(Array.from({ length: config.db.poolMax * 2 }, (_, i) => i * 2));
    }
    const error = await failure(queryRows(double, ['x']));
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error.parent).toMatchObject({ code: '22P02' });
    expect(error).toMatchObject({ sql: double.text, parameters: ['x'] });
    // Still usable after the failure; and prepared on whichever connection answers this.
    expect(await queryRows<{ n: number }>(double, [21])).toEqual([{ n: 42 }]);
    const [row] = await queryRows<{ prepared: number }>(
      "SELECT count(*)::int AS prepared FROM pg_prepared_statements WHERE name = 'test_double'",
    );
    // Through PgBouncer in transaction mode (DB_POOL_MODE=transaction) statements go unnamed.
    expect(row!.prepared).toBe(config.db.poolMode === 'transaction' ? 0 : 1);
  });

  it('turns a unique violation into a UniqueConstraintError naming the constraint, which takenConflict maps to 409', async () => {
    await createUser({ username: 'grace' });
    const error = await failure(queryRows(INSERT_USER, ['GRACE', 'other@example.com']));
    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect(error).toBeInstanceOf(SequelizeValidationError);
    expect(error.parent).toMatchObject({ code: '23505', constraint: 'users_username_lower_key' });
    expect(error.sql).toBe(INSERT_USER);
    const mapped = takenConflict(error);
    expect(mapped).toBeInstanceOf(ConflictError);
    expect(mapped).toMatchObject({ status: 409, message: 'This username is taken.' });
    expect(await User.count()).toBe(1);
  });

  it('turns a bad cast into a DatabaseError with the SQLSTATE, the SQL and the parameters', async () => {
    const error = await failure(queryRows('SELECT $1::int AS n', ['x']));
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).not.toBeInstanceOf(UniqueConstraintError);
    expect(error.name).toBe('SequelizeDatabaseError');
    expect(error.parent).toMatchObject({ code: '22P02' });
    expect(error).toMatchObject({ sql: 'SELECT $1::int AS n', parameters: ['x'] });
    expect(error.message).toMatch(/invalid input syntax for type integer/);
  });

  it('turns foreign key and check violations into the matching errors', async () => {
    const category = await createCategory();
    const product = await createProduct(category.id, { stock: 1 });
    const orphan = await failure(
      queryRows(
        'INSERT INTO carts (user_id, product_id, quantity, created_at, updated_at) VALUES (999, $1, 1, now(), now())',
        [product.id],
      ),
    );
    expect(orphan).toBeInstanceOf(ForeignKeyConstraintError);
    expect(orphan.parent).toMatchObject({ code: '23503' });

    const negative = await failure(queryRows('UPDATE products SET stock = stock - 2 WHERE id = $1', [product.id]));
    expect(negative).toBeInstanceOf(DatabaseError);
    expect(negative.parent).toMatchObject({ code: '23514', constraint: 'products_stock_nonnegative' });
    const [row] = await sequelize.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', {
      bind: [product.id],
      type: QueryTypes.SELECT,
    });
    expect(row!.stock).toBe(1);
  });

  it('gives withRetry the SQLSTATE it retries on (deadlock), and nothing to retry on other errors', async () => {
    let deadlocks = 0;
    const deadlock = await failure(
      withRetry(() => {
        deadlocks += 1;
        return queryRows(`DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '40P01'; END $$`);
      }, 3),
    );
    expect(deadlock.parent).toMatchObject({ code: '40P01' });
    expect(deadlocks).toBe(3);

    let casts = 0;
    await failure(
      withRetry(() => {
        casts += 1;
        return queryRows('SELECT $1::int', ['x']);
      }, 3),
    );
    expect(casts).toBe(1);
  });

  it(`releases the connection after every failure: 30 in a row, then 30 at once on a pool of ${config.db.poolMax}`, async () => {
    expect(config.db.poolMax).toBeLessThan(30);
    for (let i = 0; i < 30; i += 1) {
      await expect(queryRows('SELECT $1::int', [`not a number ${i}`])).rejects.toBeInstanceOf(DatabaseError);
    }
    const errors = await Promise.all(
      Array.from({ length: 30 }, (_, i) => failure(queryRows('SELECT 1 / $1::int', [i % 2 === 0 ? 0 : 'x']))),
    );
    // Division by zero and bad casts alike; none of them an acquire timeout.
    expect(new Set(errors.map((error) => error.parent?.code))).toEqual(new Set(['22012', '22P02']));
    for (const error of errors) expect(error).toBeInstanceOf(DatabaseError);

    const stats = poolStats();
    expect(stats.using).toBe(0);
    expect(stats.waiting).toBe(0);
    expect(stats.size).toBeLessThanOrEqual(config.db.poolMax);
    expect(await queryRows<{ ok: number }>('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    // Every connection still works: as many queries at once as the pool holds.
    const sessions = await Promise.all(
      Array.from({ length: config.db.poolMax }, () => queryRows<{ ok: number }>('SELECT 1 AS ok, pg_sleep(0.05)')),
    );
    expect(sessions.map(([row]) => row!.ok)).toEqual(Array.from({ length: config.db.poolMax }, () => 1));
  });

  it('drops a connection the server killed under a query, and the next queries succeed', async () => {
    const sleeping = failure(queryRows("SELECT pg_sleep(10), 'victim' AS marker"));
    // Wait until the statement runs, then terminate its backend from another connection.
    let killed = false;
    for (let attempt = 0; attempt < 50 && !killed; attempt += 1) {
      const [row] = await queryRows<{ killed: boolean }>(
        `SELECT bool_or(pg_terminate_backend(pid)) AS killed FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%''victim'' AS marker%'`,
      );
      killed = row?.killed === true;
      if (!killed) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(killed).toBe(true);
    const error = await sleeping;
    expect(error).toBeInstanceOf(DatabaseError);
    expect(`${error.parent?.code ?? ''} ${error.message}`).toMatch(/57P01|terminat/i);

    // The server closes the socket right after its error message; once the client has seen that, the pool
    // drops the connection. (Before that, queryRows hands it back as a live one: 57P01 is not ECONNRESET.)
    await new Promise((resolve) => setTimeout(resolve, 200));
    // However many connections the pool holds, none of them is the dead one.
    const results = await Promise.all(
      Array.from({ length: config.db.poolMax * 2 }, () => queryRows<{ ok: number }>('SELECT 1 AS ok')),
    );
    expect(results.every(([row]) => row!.ok === 1)).toBe(true);
    expect(poolStats().using).toBe(0);
  });
});
