/**
 * PostgreSQL restarts under load: shoppers check out continuously (and read
 * the catalog and their account) while the app's PostgreSQL, a private
 * cluster, is stopped (`pg_ctl stop -m fast`), left down for a few seconds
 * and started again.
 */
import { AppProcess } from './app-process.js';
import { bearer, body, describe, isProblem, keepAliveAgent, type Outcome, request } from './http.js';
import { migrateAndSeed, PrivateCluster, sql } from './postgres.js';
import { DisposableRedis } from './redis-server.js';
import { counts, maxMs, phaseRows, Recorder, Report } from './report.js';
import { addToCart, checkout, newShopper, pay, pick, productIds, workers } from './shop.js';
import { now, sleep, suffix, waitFor } from './util.js';

const GAP_MS = 3_000;
const ACQUIRE_TIMEOUT_MS = 2_000;
/** "No hang past the timeout": DB_ACQUIRE_TIMEOUT_MS plus half a second for the rest of the request. */
const FAIL_FAST_MS = ACQUIRE_TIMEOUT_MS + 500;
const RECOVERY_LIMIT_MS = 5_000;
const WORDS = ['waterproof', 'wireless', 'organic', 'coffee', 'tent', 'novel', 'steel', 'cotton', 'bamboo'];

/** Runs the drill and returns its report. */
export async function postgresDrill(): Promise<Report> {
  const report = new Report('postgres', 'PostgreSQL restarts under load (checkouts running)');
  try {
    const cluster = await PrivateCluster.create();
    const database = cluster.url('emporium_drill_pg');
    await migrateAndSeed(database);
    const redis = await DisposableRedis.start();
    const app = await AppProcess.start('postgres', {
      DATABASE_URL: database,
      REDIS_URL: redis.url(),
      DB_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
    });
    await app.warmUp();
    report.info(`setup: private PostgreSQL 15 cluster (initdb) on :${cluster.port}, disposable redis-server`);
    report.info(
      `       :${redis.port}, app pid ${app.pid} on :${app.port}, DB_ACQUIRE_TIMEOUT_MS=${ACQUIRE_TIMEOUT_MS}`,
    );
    const base = app.base;
    const ids = await productIds(base);
    const shoppers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => newShopper(base)));
    const agent = keepAliveAgent();
    const recorder = new Recorder();
    const placed: number[] = [];
    const unanswered: string[] = [];

    const load = [
      workers(shoppers.length, async (worker) => {
        const shopper = shoppers[worker]!;
        const added = recorder.add('cart', await addToCart(base, shopper, pick(ids), agent));
        let order: Outcome | undefined;
        if (added.status === 201) {
          const key = `drill-${suffix()}`;
          order = recorder.add('checkout', await checkout(base, shopper, key, agent));
          const id = body<{ id?: number }>(order)?.id;
          if (order.status === 201 && typeof id === 'number') {
            placed.push(id);
            recorder.add('pay', await pay(base, shopper, id, agent));
          } else unanswered.push(key);
        }
        if (added.status !== 201 || order?.status !== 201) await sleep(50);
      }),
      workers(3, async () => {
        const path = pick([
          `/api/v1/products?q=${pick(WORDS)}&page=${1 + Math.floor(Math.random() * 3)}`,
          `/api/v1/products/${pick(ids)}`,
        ]);
        const outcome = recorder.add('catalog', await request(base, path, { agent }));
        if (outcome.status !== 200) await sleep(50);
      }),
      workers(2, async (worker) => {
        const outcome = recorder.add(
          'account',
          await request(base, '/api/v1/users/me', { agent, headers: bearer(shoppers[worker]!.access) }),
        );
        if (outcome.status !== 200) await sleep(50);
      }),
    ];

    const started = now();
    await sleep(2_000);
    const stopAt = now();
    await cluster.stop('fast');
    const stoppedAt = now();
    await sleep(GAP_MS);
    const startAt = now();
    await cluster.start();
    const upAt = now();
    let recoveredAt = Infinity;
    const recovery = await waitFor(async () => {
      const probes = await Promise.all([
        request(base, '/ready', { timeoutMs: 3_000 }),
        request(base, '/api/v1/users/me', { headers: bearer(shoppers[0]!.access), timeoutMs: 3_000 }),
        request(base, `/api/v1/products?q=${pick(WORDS)}%20${suffix()}`, { timeoutMs: 3_000 }),
      ]);
      const ok = probes.every((o) => o.status === 200);
      if (ok) recoveredAt = now();
      return ok;
    }, 20_000);
    await sleep(3_000);
    await Promise.all(load.map((l) => l.stop()));

    report.info(
      `timeline: load 2.0 s, stop -m fast took ${((stoppedAt - stopAt) / 1000).toFixed(1)} s, down ${((startAt - stoppedAt) / 1000).toFixed(1)} s, start took ${((upAt - startAt) / 1000).toFixed(1)} s, load 3 s more`,
    );
    const phases = { started, cut: stopAt, back: upAt, recovered: recoveredAt, atCut: 'at stop', gap: 'gap' };
    for (const line of phaseRows(recorder, ['checkout', 'pay', 'cart', 'account', 'catalog'], phases))
      report.info(line);

    const gap = [...recorder.inFlightAt(undefined, stopAt), ...recorder.started(undefined, stopAt, upAt)];
    const wrong = gap.filter((o) => o.error !== undefined || (o.status >= 500 && !isProblem(o, 503)));
    const problems = gap.filter((o) => isProblem(o, 503));
    report.check(
      wrong.length === 0 && problems.length > 0,
      'requests during the gap fail with 503 problem (no other 5xx, no dropped connection)',
      wrong.length ? `${counts(wrong)} among ${gap.length}` : `${problems.length} × 503 problem of ${gap.length}`,
    );
    for (const outcome of wrong.slice(0, 5)) {
      const offset = (outcome.start - stopAt) / 1000;
      const when = offset < 0 ? 'in flight when the stop began' : `sent ${offset.toFixed(2)} s after the stop began`;
      report.info(`    ${describe(outcome)}, ${when}\n      ${app.explain(outcome.id) || 'app logged no error'}`);
    }
    const slow = gap.filter((o) => o.ms > FAIL_FAST_MS);
    report.check(
      slow.length === 0,
      `they fail fast: none takes longer than ${FAIL_FAST_MS} ms (DB_ACQUIRE_TIMEOUT_MS + 0.5 s)`,
      slow.length ? `${slow.length} slow; e.g. ${describe(slow[0]!)}` : `max ${maxMs(gap).toFixed(0)} ms`,
    );
    report.check(
      app.alive && app.errorLogs().length === 0,
      'no crash: the same app process served throughout',
      `pid ${app.pid} ${app.alive ? 'alive' : `EXITED: ${app.stderr.slice(-300)}`}`,
    );
    const recoveryMs = recoveredAt - upAt;
    report.check(
      recovery !== undefined && recoveryMs <= RECOVERY_LIMIT_MS,
      `back within ${RECOVERY_LIMIT_MS / 1000} s of PostgreSQL accepting connections (/ready, account, uncached search all 200)`,
      recovery === undefined ? 'not back after 20 s' : `after ${(recoveryMs / 1000).toFixed(2)} s`,
    );
    const after = recorder.started(undefined, recoveredAt, Infinity);
    const afterBad = after.filter((o) => o.error !== undefined || o.status >= 500);
    const afterOrders = recorder.started('checkout', recoveredAt, Infinity).filter((o) => o.status === 201);
    report.check(
      afterBad.length === 0 && afterOrders.length > 0,
      'after recovery everything is served again (no 5xx, checkouts 201)',
      afterBad.length
        ? `${counts(afterBad)}; e.g. ${describe(afterBad[0]!)}`
        : `${after.length} requests, ${afterOrders.length} orders placed`,
    );

    const found = await sql<{ id: number }>(database, 'SELECT id FROM orders WHERE id = ANY($1::int[])', [placed]);
    const present = new Set(found.map((r) => r.id));
    const missing = placed.filter((id) => !present.has(id));
    report.check(
      placed.length > 0 && missing.length === 0,
      'no order that was answered 201 is missing afterwards',
      `${placed.length} answered 201, ${present.size} in the database${missing.length ? `; missing ids ${missing.slice(0, 10).join(', ')}` : ''}`,
    );
    const [lost] = await sql<{ n: string }>(
      database,
      'SELECT count(*) AS n FROM orders WHERE idempotency_key = ANY($1)',
      [unanswered],
    );
    const n = unanswered.length;
    report.info(
      `note: ${n} checkout${n === 1 ? ' was' : 's were'} not answered 201; ${lost?.n ?? 0} of them committed anyway (answer lost in the restart; a retry with the same Idempotency-Key replays it)`,
    );
  } catch (error) {
    report.abort(error);
  }
  return report;
}
