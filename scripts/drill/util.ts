/** Small process, port and timing helpers shared by the drills. */
import { spawn, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defer, track } from './cleanup.js';

/** The repository root (scripts/drill/../..). */
export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds since the drill process started (monotonic). */
export const now = (): number => performance.now();

/** A TCP port nothing listens on right now (bind to 0, note it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `check` every `intervalMs` until it returns true; resolves with the elapsed ms or undefined on timeout. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 100,
): Promise<number | undefined> {
  const started = now();
  while (now() - started <= timeoutMs) {
    try {
      if (await check()) return now() - started;
    } catch {
      // not yet
    }
    await sleep(intervalMs);
  }
  return undefined;
}

/** Outcome of a finished command. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing its output (never throws on a non-zero exit). */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => resolve({ code: -1, stdout, stderr: stderr + error.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like `run`, but throws with the command's output when it fails. */
export async function runOk(command: string, args: string[], options: SpawnOptions = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code}:\n${output}`);
  }
  return result.stdout;
}

/** A fresh directory under the system temp dir, removed at cleanup. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `emporium-drill-${prefix}-`));
  defer(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A short random suffix for names (databases, users, idempotency keys). */
export const suffix = (): string => Math.random().toString(36).slice(2, 10);
