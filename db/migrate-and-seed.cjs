'use strict';
/**
 * Brings the database up to date before the server starts: waits for
 * PostgreSQL (up to DB_WAIT_SECONDS, default 60), creates the database if it
 * does not exist yet, then runs `sequelize-cli
 * db:migrate` and `db:seed:all` while holding a PostgreSQL advisory lock, so
 * several instances starting at once migrate one at a time instead of racing.
 *
 * Plain CommonJS with production dependencies only: the Docker image runs it.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { Client } = require('pg');
const { loadEnvFiles } = require('./env.cjs');

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
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: expected postgres://user:password@host:5432/emporium');
  const client = await connectWithRetry(url, Number(process.env.DB_WAIT_SECONDS || 60));
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK_KEY]);
    sequelizeCli('db:migrate');
    sequelizeCli('db:seed:all');
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

main().catch((error) => {
  console.error(`migrate-and-seed: ${error.message}`);
  process.exit(1);
});
