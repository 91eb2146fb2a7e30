/**
 * Everything a drill starts (processes, private clusters, databases, temp
 * dirs) registers how to undo it here. `cleanupAll` runs the undo steps in
 * reverse order, each bounded in time, and is called from `finally` blocks
 * and from the signal handlers, so an interrupted run leaves nothing behind.
 */

import type { ChildProcess } from 'node:child_process';

type Step = { name: string; undo: () => Promise<void> | void };

const steps: Step[] = [];
const commands = new Set<ChildProcess>();

/** Tracks a short-lived command (initdb, migrations, ...) so that an interrupted run can kill it first. */
export function track(child: ChildProcess): void {
  commands.add(child);
  child.once('exit', () => commands.delete(child));
}

/** Registers an undo step, run by the next `cleanupAll`. */
export function defer(name: string, undo: () => Promise<void> | void): void {
  steps.push({ name, undo });
}

async function runStep(step: Step): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.error(`  cleanup: "${step.name}" did not finish within 15 s; moving on`);
      resolve();
    }, 15_000);
  });
  try {
    await Promise.race([Promise.resolve().then(step.undo), timeout]);
  } catch (error) {
    console.error(`  cleanup: "${step.name}" failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** A marker for `cleanupAll(mark)`: the number of steps registered so far. */
export const checkpoint = (): number => steps.length;

let queue: Promise<void> = Promise.resolve();

/**
 * Runs the undo steps registered after `mark` (default: all of them), newest
 * first. Calls are serialized: a second caller (the signal handler while a
 * drill's `finally` is cleaning up) waits until every step has finished.
 */
export function cleanupAll(mark = 0): Promise<void> {
  queue = queue.then(async () => {
    while (steps.length > mark) await runStep(steps.pop()!);
  });
  return queue;
}

let aborting = false;

/** True once a signal asked the run to stop: start nothing new. */
export const isAborting = (): boolean => aborting;

/** On SIGINT/SIGTERM/SIGHUP or a crash: clean up, then exit non-zero. */
export function installSignalHandlers(): void {
  const bail = (reason: string, code: number) => {
    if (aborting) return;
    aborting = true;
    console.error(`\ndrill: ${reason}; cleaning up`);
    for (const child of commands) child.kill('SIGTERM');
    void cleanupAll().finally(() => process.exit(code));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => bail(`received ${signal}`, 130));
  }
  process.on('uncaughtException', (error) => bail(`uncaught exception: ${error.stack ?? String(error)}`, 1));
  process.on('unhandledRejection', (error) => bail(`unhandled rejection: ${String(error)}`, 1));
}
