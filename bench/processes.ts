/** Processes and databases the benchmark starts for itself, and cleans up. */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';

/** The repository root. */
export const ROOT = new URL('..', import.meta.url).pathname;

const children = new Set<ChildProcess>();

/** Kills every process this run started (on exit, and on Ctrl-C). */
export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs a command to completion; rejects with its output when it fails. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')}: exit ${code}\n${output}`)),
    );
  });
}

/** A started server process. */
export interface Server {
  child: ChildProcess;
  port: number;
  url: string;
  /** Milliseconds from spawn until `readyPath` answered 200. */
  readyMs: number;
  stop(): Promise<void>;
}

/** Spawns a server process, its output to `logFile`, and waits until `readyPath` answers 200. */
export async function startServer(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  readyPath = '/ready',
): Promise<Server> {
  const port = await freePort();
  const log = openSync(logFile, 'a');
  const started = performance.now();
  const child = spawn(
    command,
    args.map((arg) => (arg === '{port}' ? String(port) : arg)),
    {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', log, log],
    },
  );
  children.add(child);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}; see ${logFile}`);
    const ok = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(1000) }).then(
      (res) => res.status < 500,
      () => false,
    );
    if (ok) break;
    if (performance.now() - started > 60_000) throw new Error(`${command} did not become ready; see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const readyMs = performance.now() - started;
  return {
    child,
    port,
    url,
    readyMs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        children.delete(child);
      }),
  };
}

/** Peak resident memory of a process in MB (VmHWM), or NaN when unknown. */
export async function peakRssMb(pid: number | undefined): Promise<number> {
  if (!pid) return Number.NaN;
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
}

/** Drops and creates a database on the server of `url`. */
export async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}
