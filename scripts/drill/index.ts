/**
 * Outage drills: `npm run drill [-- --only redis,postgres,sigterm,two-instances,scale] [--no-build]`, or
 * drills named as arguments (`npm run drill -- scale`).
 *
 * Each drill runs the app (built once, `node dist/server.js`) against
 * disposable servers of its own, prints what it saw and checks the promises
 * the README makes. Exit code 0 only if every drill passed. Everything a
 * drill starts is cleaned up, also on failure or Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { buildApp } from './app-process.js';
import { checkpoint, cleanupAll, installSignalHandlers, isAborting } from './cleanup.js';
import { postgresDrill } from './postgres-drill.js';
import { redisDrill } from './redis-drill.js';
import { scaleDrill } from './scale-drill.js';
import type { Report } from './report.js';
import { sigtermDrill } from './sigterm-drill.js';
import { twoInstancesDrill } from './two-instances-drill.js';
import { now } from './util.js';

const DRILLS: Record<string, () => Promise<Report>> = {
  redis: redisDrill,
  postgres: postgresDrill,
  sigterm: sigtermDrill,
  'two-instances': twoInstancesDrill,
  scale: scaleDrill,
};

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { only: { type: 'string' }, 'no-build': { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const named = [...(values.only?.split(',') ?? []), ...positionals].map((name) => name.trim()).filter(Boolean);
  const selected = named.length > 0 ? named : Object.keys(DRILLS);
  const unknown = selected.filter((name) => !(name in DRILLS));
  if (unknown.length > 0 || selected.length === 0) {
    console.error(`unknown drill: ${unknown.join(', ')}; choose from ${Object.keys(DRILLS).join(', ')}`);
    return 2;
  }
  installSignalHandlers();
  const started = now();
  const reports: Report[] = [];
  try {
    process.stdout.write(
      values['no-build'] ? 'using the existing dist/ ... ' : 'building the API (npm run build:api) ... ',
    );
    await buildApp(values['no-build']);
    console.log(`ok (${((now() - started) / 1000).toFixed(1)} s)`);
    for (const name of selected) {
      if (isAborting()) break;
      const mark = checkpoint();
      try {
        const report = await DRILLS[name]!();
        reports.push(report);
        report.verdict();
      } finally {
        await cleanupAll(mark);
      }
    }
  } catch (error) {
    console.error(`drill: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await cleanupAll();
  }
  if (isAborting()) return 130;
  const passed = reports.filter((r) => r.passed).length;
  const seconds = ((now() - started) / 1000).toFixed(0);
  const verdicts = reports.map((r) => `${r.name} ${r.passed ? 'PASS' : 'FAIL'}`).join(', ');
  console.log(`\ndrill summary: ${verdicts} — ${passed}/${reports.length} passed in ${seconds} s`);
  for (const report of reports.filter((r) => !r.passed)) {
    for (const failure of report.failures) console.log(`  ${report.name}: ${failure}`);
  }
  return passed === reports.length && reports.length === selected.length ? 0 : 1;
}

// Exit explicitly: idle keep-alive sockets of the load agents must not hold the process open.
process.exit(await main());
