/**
 * PostgreSQL for the drills: databases named `emporium_drill_*` on the shared
 * server (created, migrated, seeded, dropped at cleanup), and private clusters
 * made with the machine's initdb/pg_ctl on their own port, which a drill may
 * stop and start. The shared server itself is never stopped or reconfigured.
 */
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { defer } from './cleanup.js';
import { freePort, runOk, suffix, tempDir } from './util.js';

/** The shared PostgreSQL the drills may create databases on. */
export const SHARED_PG = 'postgres://postgres@127.0.0.1:5432';
const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Credentials the drill seeds into every database it prepares. */
export const DRILL_ADMIN = { email: 'drill-admin@drill.test', password: 'drill-admin-password-1' };
/** The demo shopper's password in drill databases. */
export const DRILL_DEMO_PASSWORD = 'drill-demo-password-1';

/** Runs one SQL statement on `url` with a fresh connection. */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Migrates and seeds (demo catalog, drill admin and demo shopper) the database at `url`, creating it. */
export async function migrateAndSeed(url: string): Promise<void> {
  await runOk(process.execPath, ['db/migrate-and-seed.cjs'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: url,
      SEED_DEMO_DATA: 'true',
      ADMIN_EMAIL: DRILL_ADMIN.email,
      ADMIN_PASSWORD: DRILL_ADMIN.password,
      DEMO_PASSWORD: DRILL_DEMO_PASSWORD,
      DB_WAIT_SECONDS: '10',
    },
  });
  // Plenty of stock, so that load never runs a product out and checkouts keep succeeding.
  await sql(url, 'UPDATE products SET stock = 1000000');
}

/** Creates, migrates and seeds `emporium_drill_<tag>_<random>` on the shared server; dropped at cleanup. */
export async function drillDatabase(tag: string): Promise<string> {
  const name = `emporium_drill_${tag}_${suffix()}`;
  const url = `${SHARED_PG}/${name}`;
  defer(`drop database ${name}`, async () => {
    await sql(`${SHARED_PG}/postgres`, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  await migrateAndSeed(url);
  return url;
}

/** initdb/pg_ctl refuse to run as root: run them as `postgres` then. */
async function asPostgres(binary: string, args: string[]): Promise<string> {
  const path = join(PG_BIN, binary);
  if (process.getuid?.() === 0) return runOk('runuser', ['-u', 'postgres', '--', path, ...args]);
  return runOk(path, args);
}

/** A private PostgreSQL 15 cluster under /tmp on its own port, owned by this drill. */
export class PrivateCluster {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  private get data(): string {
    return join(this.dir, 'data');
  }

  /** initdb + start; removed (stopped immediately, directory deleted) at cleanup. */
  static async create(): Promise<PrivateCluster> {
    const dir = tempDir('pg');
    const cluster = new PrivateCluster(await freePort(), dir);
    if (process.getuid?.() === 0) {
      const uid = Number((await runOk('id', ['-u', 'postgres'])).trim());
      const gid = Number((await runOk('id', ['-g', 'postgres'])).trim());
      chownSync(dir, uid, gid);
      mkdirSync(join(dir, 'run'));
      chownSync(join(dir, 'run'), uid, gid);
    } else {
      mkdirSync(join(dir, 'run'));
    }
    await asPostgres('initdb', ['-D', cluster.data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C']);
    defer(`stop private PostgreSQL :${cluster.port}`, () =>
      asPostgres('pg_ctl', ['-D', cluster.data, '-m', 'immediate', '-w', 'stop']).then(
        () => undefined,
        () => undefined,
      ),
    );
    await cluster.start();
    return cluster;
  }

  /** postgres:// URL of database `name` in this cluster. */
  url(name: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  /** Starts the cluster and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${join(this.dir, 'run')} -c listen_addresses=127.0.0.1 -c max_connections=50`;
    await asPostgres('pg_ctl', [
      '-D',
      this.data,
      '-l',
      join(this.dir, 'postgres.log'),
      '-o',
      options,
      '-w',
      '-t',
      '30',
      'start',
    ]);
  }

  /** Stops the cluster (`fast`: terminate sessions, checkpoint, exit). */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await asPostgres('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '30', 'stop']);
  }
}
