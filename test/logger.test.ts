/** The log line collector (src/logger.ts): lines reach stdout whole, in order, batched, and none is lost at exit. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lineCollector } from '../src/logger.js';

const ROOT = new URL('..', import.meta.url).pathname;

describe('lineCollector', () => {
  it('hands lines over joined, once a batch is full, and the rest on flush', () => {
    const written: string[] = [];
    let flushed = 0;
    const stream = lineCollector(
      () => ({
        write: (text: string) => written.push(text) > 0,
        flush: (callback: () => void) => {
          flushed += 1;
          callback();
        },
        flushSync: () => undefined,
      }),
      10,
    );

    stream.write('aaaa\n');
    expect(written).toEqual([]);
    stream.write('bbbbbb\n');
    expect(written).toEqual(['aaaa\nbbbbbb\n']);
    stream.write('c\n');
    let done = false;
    stream.flush(() => (done = true));
    expect(written).toEqual(['aaaa\nbbbbbb\n', 'c\n']);
    expect([flushed, done]).toEqual([1, true]);
  });

  it('writes every line to stdout, whole and in order, when the process exits right after logging', () => {
    const script = `
      import { pino } from 'pino';
      import { lineCollector } from './src/logger.ts';
      const log = pino({ base: null, timestamp: false }, lineCollector(() => pino.destination({ dest: 1, sync: false, minLength: 4096 }), 4096));
      for (let i = 0; i < 5000; i++) log.info({ i }, 'line');
      process.exit(0);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: process.env,
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).toBe(0);
    const lines = child.stdout.trim().split('\n');
    expect(lines).toHaveLength(5000);
    lines.forEach((line, i) => expect(JSON.parse(line)).toEqual({ level: 30, i, msg: 'line' }));
  });
});
