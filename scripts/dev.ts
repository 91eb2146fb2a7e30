/**
 * `npm run dev`: the server with tsx, restarted on every change (node
 * --watch), and the OpenAPI spec and tsoa routes regenerated whenever a
 * controller, a schema type or the spec's finishing touches change, so
 * /openapi.json and validation follow the code without a manual restart
 * (the regenerated routes are themselves a change node --watch restarts on).
 * Migrations and seeds run once at start, as before.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { watch } from 'node:fs';

const ROOT = new URL('..', import.meta.url).pathname;
/** What the spec and routes are generated from. */
const SOURCES = ['src/controllers', 'src/schemas', 'src/docs'];
const DEBOUNCE_MS = 300;

const run = (command: string, args: string[]): boolean =>
  spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' }).status === 0;

if (!run('npm', ['run', '-s', 'openapi']) || !run('node', ['db/migrate-and-seed.cjs'])) process.exit(1);

const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--watch', 'src/server.ts'], {
  cwd: ROOT,
  stdio: 'inherit',
});
server.on('exit', (code) => process.exit(code ?? 0));

let timer: NodeJS.Timeout | undefined;
let generating = false;
let again = false;

/** Regenerates the spec and routes; a change made meanwhile runs it once more afterwards. */
function regenerate(): void {
  if (generating) {
    again = true;
    return;
  }
  generating = true;
  const child = spawn('npm', ['run', '-s', 'openapi'], { cwd: ROOT, stdio: 'inherit' });
  child.on('exit', (code) => {
    generating = false;
    console.log(code === 0 ? 'spec and routes regenerated' : 'spec generation failed: fix the error above');
    if (again) {
      again = false;
      regenerate();
    }
  });
}

for (const dir of SOURCES) {
  watch(new URL(`../${dir}`, import.meta.url), { recursive: true }, (_event, file) => {
    if (!file?.endsWith('.ts')) return;
    clearTimeout(timer);
    timer = setTimeout(regenerate, DEBOUNCE_MS);
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
