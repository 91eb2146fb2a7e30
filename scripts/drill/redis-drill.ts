/**
 * Redis dies under load: catalog and authenticated traffic run against the
 * app while its (disposable) redis-server is killed with SIGKILL, stays dead
 * for a few seconds and is started again on the same port.
 */
import { AppProcess } from './app-process.js';
import { bearer, describe, isProblem, keepAliveAgent, request } from './http.js';
import { drillDatabase } from './postgres.js';
import { DisposableRedis } from './redis-server.js';
import { counts, maxMs, phaseRows, Recorder, Report } from './report.js';
import { newShopper, pick, productIds, relogin, type Shopper, workers } from './shop.js';
import { now, sleep, waitFor } from './util.js';

const OUTAGE_MS = 3_000;
const AUTH_LIMIT_MS = 1_000;
const RECOVERY_LIMIT_MS = 5_000;
const WORDS = ['waterproof', 'wireless', 'organic', 'coffee', 'tent', 'novel', 'steel', 'cotton'];

/** Sum of `cache_lookups_total{…result="error"}` and the `redis_up` gauge from /metrics. */
async function metrics(base: string): Promise<{ cacheErrors: number; redisUp: string }> {
  const text = (await request(base, '/metrics')).body;
  const cacheErrors = [...text.matchAll(/^cache_lookups_total\{[^}]*result="error"[^}]*\} (\d+)/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
  return { cacheErrors, redisUp: /^redis_up (\d)/m.exec(text)?.[1] ?? '?' };
}

/** Runs the drill and returns its report. */
export async function redisDrill(): Promise<Report> {
  const report = new Report('redis', 'Redis dies under load (catalog + authenticated traffic)');
  try {
    const redis = await DisposableRedis.start();
    const database = await drillDatabase('redis');
    const app = await AppProcess.start('redis', {
      DATABASE_URL: database,
      REDIS_URL: redis.url(),
      REDIS_COMMAND_TIMEOUT_MS: '500',
    });
    report.info(`setup: disposable redis-server :${redis.port} (no persistence), drill database on the shared`);
    report.info(`       PostgreSQL, app pid ${app.pid} on :${app.port}; Redis is killed with SIGKILL`);
    await app.warmUp();
    const base = app.base;
    const ids = await productIds(base);
    const shoppers: Shopper[] = await Promise.all([1, 2, 3, 4, 5].map(() => newShopper(base)));
    const agent = keepAliveAgent();
    const recorder = new Recorder();
    const catalogPath = () =>
      pick([
        `/api/v1/products/${pick(ids)}`,
        `/api/v1/products?page=${1 + Math.floor(Math.random() * 5)}`,
        `/api/v1/products?q=${pick(WORDS)}&page_size=5`,
        '/api/v1/categories',
        '/api/v1/products/hot?limit=5',
      ]);
    const load = [
      workers(6, async () => {
        recorder.add('catalog', await request(base, catalogPath(), { agent, timeoutMs: 5_000 }));
      }),
      workers(4, async (worker) => {
        const shopper = shoppers[worker]!;
        const path = pick(['/api/v1/users/me', '/api/v1/cart']);
        const outcome = recorder.add('auth', await request(base, path, { agent, headers: bearer(shopper.access) }));
        // A login Redis forgot (it restarted empty) is 401: log in again, as a client would.
        if (outcome.status === 401) recorder.add('login', await relogin(base, shopper));
        if (outcome.status !== 200) await sleep(20);
      }),
      workers(1, async () => {
        recorder.add('login', await relogin(base, shoppers[4]!));
        await sleep(100);
      }),
    ];

    const started = now();
    await sleep(2_000);
    const before = await metrics(base);
    const killAt = now();
    await redis.kill('SIGKILL');
    const deadAt = now();
    await sleep(OUTAGE_MS / 2);
    const during = await metrics(base);
    await sleep(OUTAGE_MS / 2);
    const restartAt = now();
    await redis.spawn();
    const upAt = now();

    // Normal again: ready, a fresh login works and its token is accepted, the catalog answers.
    const probeShopper = shoppers[0]!;
    const oldToken = probeShopper.access;
    let recoveredAt = Infinity;
    const recovery = await waitFor(async () => {
      const ready = await request(base, '/ready', { timeoutMs: 2_000 });
      const fresh = { ...probeShopper };
      const logged = await relogin(base, fresh);
      const me = await request(base, '/api/v1/users/me', { headers: bearer(fresh.access), timeoutMs: 2_000 });
      const catalog = await request(base, '/api/v1/categories', { timeoutMs: 2_000 });
      const ok = [ready, logged, me, catalog].every((o) => o.status === 200);
      if (ok) recoveredAt = now();
      return ok;
    }, 15_000);
    const recovered = await metrics(base);
    await sleep(2_000);
    const after = await metrics(base);
    await Promise.all(load.map((l) => l.stop()));
    const stale = await request(base, '/api/v1/users/me', { headers: bearer(oldToken) });

    report.info(
      `timeline: load ${((killAt - started) / 1000).toFixed(1)} s, Redis dead ${((restartAt - deadAt) / 1000).toFixed(1)} s, restarted, load 2 s more`,
    );
    const phases = { started, cut: killAt, back: restartAt, recovered: recoveredAt, atCut: 'at kill', gap: 'outage' };
    for (const line of phaseRows(recorder, ['catalog', 'auth', 'login'], phases)) report.info(line);
    report.info(
      `metrics: cache lookup errors ${before.cacheErrors} → ${during.cacheErrors} (outage) → ${recovered.cacheErrors} (recovered) → ${after.cacheErrors}; redis_up ${before.redisUp} → ${during.redisUp} → ${after.redisUp}`,
    );

    const catalog = recorder.samples.filter((s) => s.kind === 'catalog').map((s) => s.outcome);
    const badCatalog = catalog.filter((o) => o.status !== 200);
    report.check(
      badCatalog.length === 0,
      'catalog answers 200 throughout (0 × 5xx)',
      badCatalog.length ? `${counts(badCatalog)}; e.g. ${describe(badCatalog[0]!)}` : `${catalog.length} requests`,
    );
    report.check(
      during.cacheErrors > before.cacheErrors && during.redisUp === '0',
      'during the outage the catalog is served from PostgreSQL',
      `${during.cacheErrors - before.cacheErrors} cache lookups failed over to PostgreSQL, redis_up ${during.redisUp}`,
    );

    const outage = [...recorder.started('auth', deadAt, restartAt), ...recorder.started('login', deadAt, restartAt)];
    const crossing = [...recorder.inFlightAt('auth', killAt), ...recorder.inFlightAt('login', killAt)];
    const notProblem = outage.filter((o) => !isProblem(o, 503) || o.headers['retry-after'] !== '5');
    const slow = [...outage, ...crossing].filter((o) => o.error !== undefined || o.ms > AUTH_LIMIT_MS);
    report.check(
      outage.length > 0 && notProblem.length === 0,
      'authenticated requests and logins during the outage answer 503 problem with Retry-After',
      notProblem.length ? `${counts(notProblem)}; e.g. ${describe(notProblem[0]!)}` : `${outage.length} × 503 problem`,
    );
    report.check(
      slow.length === 0,
      `none hangs: each answers within ${AUTH_LIMIT_MS} ms (incl. ${crossing.length} in flight at the kill)`,
      slow.length
        ? `${slow.length} slow/unanswered; e.g. ${describe(slow[0]!)}`
        : `max ${maxMs([...outage, ...crossing]).toFixed(0)} ms`,
    );

    const recoveryMs = recoveredAt - upAt;
    report.check(
      recovery !== undefined && recoveryMs <= RECOVERY_LIMIT_MS,
      `normal again within ${RECOVERY_LIMIT_MS / 1000} s of Redis answering (/ready, login, authenticated call, catalog all 200)`,
      recovery === undefined ? 'not recovered after 15 s' : `after ${(recoveryMs / 1000).toFixed(2)} s`,
    );
    const afterAuth = recorder.started('auth', recoveredAt, Infinity);
    const afterBad = [...afterAuth, ...recorder.started('login', recoveredAt, Infinity)].filter(
      (o) => o.error !== undefined || o.status >= 500,
    );
    report.check(
      afterBad.length === 0 && afterAuth.some((o) => o.status === 200),
      'after recovery authenticated traffic is served again (no 5xx)',
      afterBad.length ? `${counts(afterBad)}; e.g. ${describe(afterBad[0]!)}` : counts(afterAuth),
    );
    report.check(
      after.cacheErrors === recovered.cacheErrors && after.redisUp === '1',
      'after recovery the caches work again (no more cache errors)',
      `${after.cacheErrors - recovered.cacheErrors} cache errors in the 2 s after recovery, redis_up ${after.redisUp}`,
    );
    report.check(
      stale.status === 401,
      'a login the restarted (empty) Redis forgot stays refused (401, fail closed)',
      `old access token → ${stale.status || stale.error}`,
    );
    report.check(
      app.alive && app.logs.filter((l) => l.msg === 'redis connected').length >= 2 && app.errorLogs().length === 0,
      'no app restart: same process throughout, reconnected by itself, no error logs',
      `pid ${app.pid} ${app.alive ? 'alive' : 'EXITED'}, "redis connected" ×${app.logs.filter((l) => l.msg === 'redis connected').length}`,
    );
  } catch (error) {
    report.abort(error);
  }
  return report;
}
