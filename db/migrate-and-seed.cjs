'use strict';
/**
 * Brings the database up to date before the server starts: waits for
 * PostgreSQL (up to DB_WAIT_SECONDS, default 60), creates the database if it
 * does not exist yet, then runs `sequelize-cli
 * db:migrate` and `db:seed:all` while holding a PostgreSQL advisory lock, so
 * several instances starting at once migrate one at a time instead of racing.
 * All of it on DATABASE_DIRECT_URL (else DATABASE_URL): a session lock needs
 * a session of its own, which PgBouncer's transaction mode does not give. In
 * that mode it also sets the app role's timeouts in the database
 * (db/pool-settings.cjs).
 *
 * Plain CommonJS with production dependencies only: the Docker image runs it.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { Client } = require('pg');
const { loadEnvFiles } = require('./env.cjs');
const { applyRoleTimeouts, urlUser } = require('./pool-settings.cjs');

loadEnvFiles();

const LOCK_KEY = 'emporium:migrations';
const root = path.resolve(__dirname, '..');
const cli = require.resolve('sequelize-cli/lib/sequelize');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function connectWithRetry(url, waitSeconds) {
  const deadline = Date.now() + waitSeconds * 1000;
  for (let attempt = 1; ; attempt += 1) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (error.code === '3D000') {
        await createDatabase(url);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`PostgreSQL is not reachable: ${error.message}`, { cause: error });
      console.log(`waiting for PostgreSQL (attempt ${attempt}): ${error.message}`);
      await sleep(1000);
    }
  }
}

/** A fresh machine has no `emporium` database yet: create it (owner: the connecting user). */
async function createDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    console.log(`created database ${name}`);
  } catch (error) {
    if (error.code !== '42P04') throw error; // another instance created it first
  } finally {
    await client.end();
  }
}

function sequelizeCli(command) {
  const result = spawnSync(process.execPath, [cli, command], { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) throw new Error(`sequelize-cli ${command} failed (exit ${result.status})`);
}

async function main() {
  const appUrl = process.env.DATABASE_URL;
  if (!appUrl) throw new Error('DATABASE_URL is not set: expected postgres://user:password@host:5432/emporium');
  // The lock is a session's: through a pooler in transaction mode it would be taken on one server
  // connection and released (or not) on another, so it goes over the direct connection.
  const url = process.env.DATABASE_DIRECT_URL || appUrl;
  const transactionMode = process.env.DB_POOL_MODE === 'transaction';
  if (transactionMode && !process.env.DATABASE_DIRECT_URL) {
    console.warn(
      'migrate-and-seed: DB_POOL_MODE=transaction without DATABASE_DIRECT_URL: the migration lock may not hold',
    );
  }
  const client = await connectWithRetry(url, Number(process.env.DB_WAIT_SECONDS || 60));
  try {
    // Waiting for the lock is one long statement: no role statement timeout may cut it short.
    if (url !== appUrl || !transactionMode) await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK_KEY]);
    sequelizeCli('db:migrate');
    sequelizeCli('db:seed:all');
    if (transactionMode) {
      const statementTimeoutMs = Number(process.env.DB_STATEMENT_TIMEOUT_MS || 5000);
      await applyRoleTimeouts(client, { role: urlUser(appUrl), statementTimeoutMs });
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

main().catch((error) => {
  console.error(`migrate-and-seed: ${error.message}`);
  process.exit(1);
});
