/**
 * A disposable `redis-server` on its own port (no persistence), which a drill
 * may kill and start again on the same port. The shared Redis is never used.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { defer } from './cleanup.js';
import { freePort, waitFor } from './util.js';

/** Sends PING over a raw socket; true when Redis answers +PONG within 500 ms. */
export function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk: Buffer) => done(chunk.toString().startsWith('+PONG')));
  });
}

/** A redis-server process the drill owns. */
export class DisposableRedis {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number) {}

  /** Starts a redis-server on a free port and waits until it answers PING. */
  static async start(): Promise<DisposableRedis> {
    const redis = new DisposableRedis(await freePort());
    defer(`stop redis-server :${redis.port}`, () => redis.kill('SIGKILL'));
    await redis.spawn();
    return redis;
  }

  /** redis:// URL of logical database `db`. */
  url(db = 0): string {
    return `redis://127.0.0.1:${this.port}/${db}`;
  }

  /** True while the process runs. */
  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** (Re)starts the server on the same port; resolves once it answers PING. */
  async spawn(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = spawn('redis-server', [...args, '--daemonize', 'no', '--loglevel', 'warning'], {
      stdio: 'ignore',
    });
    this.child = child;
    const failed = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`redis-server :${this.port} exited with ${code}`)));
    });
    const ready = waitFor(() => redisPing(this.port), 10_000, 50).then((ms) => {
      if (ms === undefined) throw new Error(`redis-server :${this.port} did not answer PING within 10 s`);
    });
    await Promise.race([ready, failed]);
    failed.catch(() => undefined);
  }

  /** Kills the process with `signal` and resolves when it has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}
