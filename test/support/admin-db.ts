/** CREATE / DROP DATABASE on the test server through the maintenance database. */
import pg from 'pg';
import { MAINTENANCE_URL } from './databases.js';

/** Runs statements on the maintenance database (one connection, closed afterwards). */
export async function onServer(...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: MAINTENANCE_URL });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Drops (if present) and recreates a database, optionally from a template. */
export async function recreateDatabase(name: string, template?: string): Promise<void> {
  await onServer(
    `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`,
    `CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`,
  );
}

/** Drops a database if it exists. */
export async function dropDatabase(name: string): Promise<void> {
  await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** Names of every database on the test server. */
export async function listDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: MAINTENANCE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}
