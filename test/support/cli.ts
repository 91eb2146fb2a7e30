/** Runs the project's own command-line tools (sequelize-cli) the way npm scripts do. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `sequelize-cli <args>` against `databaseUrl`; rejects with its output on failure. */
export async function sequelizeCli(databaseUrl: string, ...args: string[]): Promise<string> {
  return sequelizeCliWithEnv({ DATABASE_URL: databaseUrl }, ...args);
}

/** Runs `sequelize-cli <args>` with extra environment variables. */
export async function sequelizeCliWithEnv(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout, stderr } = await run('npx', ['sequelize-cli', ...args], {
    // The CLI prefers DATABASE_DIRECT_URL (db/config.cjs): a database named here wins over the worker's.
    env: { ...process.env, ...(env.DATABASE_URL ? { DATABASE_DIRECT_URL: env.DATABASE_URL } : {}), ...env },
    cwd: new URL('../..', import.meta.url).pathname,
  });
  return stdout + stderr;
}
