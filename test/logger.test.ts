/** The logger's destination (src/logger.ts): pino's own buffered destination loses no line at exit. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;

describe('logger', () => {
  it('writes every line to stdout, whole and in order, when the process exits right after logging', () => {
    const script = `
      import { logger } from './src/logger.ts';
      for (let i = 0; i < 5000; i++) logger.info({ i }, 'line');
      process.exit(0);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info' },
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).toBe(0);
    const lines = child.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; i?: number })
      .filter((line) => line.msg === 'line');
    expect(lines).toHaveLength(5000);
    lines.forEach((line, i) => expect(line.i).toBe(i));
  });
});
