/**
 * The app under drill as a real process: `node dist/server.js`, built once
 * (`npm run build:api`) and copied into a private snapshot so that a rebuild
 * by someone else mid-run cannot change the code being drilled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, cpSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { defer } from './cleanup.js';
import { request } from './http.js';
import { freePort, now, ROOT, runOk, tempDir, waitFor } from './util.js';

/** One parsed JSON log line of the app (pino). */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

let snapshot: string | undefined;

/** The request id of a request log line (`req_id`, or pino-http's `req.id`). */
function requestId(line: LogLine): string | undefined {
  if (typeof line.req_id === 'string') return line.req_id;
  const req = line.req as { id?: unknown } | undefined;
  return typeof req?.id === 'string' ? req.id : undefined;
}

/** Builds the API once and snapshots dist/ (with links to db/ and node_modules/) into a temp dir. */
export async function buildApp(skipBuild: boolean): Promise<string> {
  if (!skipBuild) await runOk('npm', ['run', '-s', 'build:api']);
  const dir = tempDir('app');
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  copyFileSync(join(ROOT, '.env.example'), join(dir, '.env.example'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(ROOT, 'db'), join(dir, 'db'));
  snapshot = dir;
  return dir;
}

/** Settings every drilled app gets; drills add DATABASE_URL, REDIS_URL and their limits. */
const BASE_ENV: Record<string, string> = {
  NODE_ENV: 'development',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  BCRYPT_COST: '4',
  JWT_SECRET: 'drill-jwt-secret-0123456789abcdef0123456789abcdef',
  SESSION_SECRET: 'drill-session-secret-0123456789abcdef0123456789ab',
  REDIS_KEY_PREFIX: 'emporium:',
  AUTH_RATE_LIMIT: '100000',
  LOGIN_MAX_FAILURES: '1000',
  METRICS_TOKEN: '',
};

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `now()` when the exit was seen. */
  at: number;
}

/** A running app process and everything it has logged. */
export class AppProcess {
  readonly logs: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;

  private constructor(
    readonly name: string,
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal, at: now() };
        resolve(this.exit);
      }),
    );
  }

  /** Starts the snapshot's server with `env` on a free port and waits for its "listening" line. */
  static async start(name: string, env: Record<string, string>): Promise<AppProcess> {
    if (!snapshot) throw new Error('buildApp() must run first');
    const port = await freePort();
    const adminDir = tempDir(`admin-${name}`);
    const child = spawn(process.execPath, ['dist/server.js'], {
      cwd: snapshot,
      env: { ...process.env, ...BASE_ENV, ADMIN_JS_TMP_DIR: adminDir, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(name, port, child);
    defer(`stop app ${name} (pid ${child.pid})`, async () => void (await app.kill()));
    let buffer = '';
    child.stderr.on('data', (chunk: Buffer) => (app.stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim())) {
        try {
          app.logs.push(JSON.parse(line) as LogLine);
        } catch {
          app.logs.push({ msg: line });
        }
      }
    });
    const listening = await Promise.race([
      app.waitForLog((line) => String(line.msg).startsWith('listening'), 20_000),
      app.exited.then(() => false),
    ]);
    if (!listening) {
      throw new Error(`app ${name} did not start: ${app.stderr.slice(-800) || JSON.stringify(app.logs.slice(-5))}`);
    }
    return app;
  }

  /** http://127.0.0.1:<port> */
  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Waits until /ready is 200 (PostgreSQL and Redis connected) and the admin panel has loaded. */
  async warmUp(): Promise<void> {
    const ready = await waitFor(
      async () => (await request(this.base, '/ready', { timeoutMs: 2_000 })).status === 200,
      15_000,
    );
    if (ready === undefined) throw new Error(`app ${this.name} is not ready after 15 s`);
    // The panel is imported in the background after start (~2 s of CPU); /admin/login waits for it.
    const panel = await request(this.base, '/admin/login', { timeoutMs: 30_000 });
    if (panel.status !== 200) throw new Error(`app ${this.name}: /admin/login answered ${panel.status || panel.error}`);
  }

  /** The pid, for "same process throughout" checks. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True until the process has exited. */
  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Resolves true once a log line matches, false after `timeoutMs`. */
  async waitForLog(match: (line: LogLine) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = now() + timeoutMs;
    while (now() < deadline) {
      if (this.logs.some(match)) return true;
      if (!this.alive) return this.logs.some(match);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return false;
  }

  /** Log lines at level error (50) or fatal (60) that are not request logs. */
  errorLogs(): LogLine[] {
    return this.logs.filter((line) => (line.level ?? 0) >= 50 && requestId(line) === undefined);
  }

  /** What the app logged about request `id` beyond its request line (the error it hit), or ''. */
  explain(id: string): string {
    return this.logs
      .filter((line) => requestId(line) === id && line.err !== undefined)
      .map((line) => {
        const err = line.err as { type?: string; message?: string; code?: string; parent?: { code?: string } };
        const code = err.code ?? err.parent?.code;
        return `app logged "${line.msg}": ${err.type ?? 'Error'}${code ? ` [${code}]` : ''}: ${err.message ?? ''}`;
      })
      .join('; ');
  }

  /** Position in the log of the first line of request `idOrMessage`, or of the first line whose msg starts with it. */
  logIndex(idOrMessage: string): number {
    const index = this.logs.findIndex(
      (line) => requestId(line) === idOrMessage || String(line.msg).startsWith(idOrMessage),
    );
    return index < 0 ? Infinity : index;
  }

  /** Request ids of every request the app logged (it logs each one when answered). */
  loggedRequestIds(): Set<string> {
    return new Set(this.logs.map(requestId).filter((id): id is string => id !== undefined));
  }

  /** Sends `signal` (default SIGKILL) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.exit) return this.exit;
    this.child.kill(signal);
    return this.exited;
  }
}
