/**
 * SIGTERM under load: catalog reads, account reads, checkouts, logins (bcrypt
 * cost 10, slow-ish) and checkouts whose body trickles in are running when
 * the app gets SIGTERM. PostgreSQL and Redis are reached through TCP proxies
 * that show whether the app closed its connections politely before exiting.
 */
import { AppProcess } from './app-process.js';
import { bearer, body, describe, keepAliveAgent, type Outcome, request } from './http.js';
import { drillDatabase, SHARED_PG } from './postgres.js';
import { endsInJobWait, endsWithPgTerminate, endsWithRedisQuit, TcpProxy } from './proxy.js';
import { DisposableRedis } from './redis-server.js';
import { counts, Recorder, Report, row } from './report.js';
import { addToCart, checkout, login, newShopper, pay, pick, productIds, workers } from './shop.js';
import { now, sleep, suffix } from './util.js';

const SHUTDOWN_TIMEOUT_MS = 8_000;

/** How one request fared against the shutdown. */
function verdict(outcome: Outcome, sigAt: number): 'ok' | 'refused' | 'failed' {
  if (outcome.error === undefined) return outcome.status < 500 ? 'ok' : 'failed';
  // A new connection refused once the listener is closed is the expected way to be turned away.
  if (outcome.error === 'ECONNREFUSED' && !outcome.sent && outcome.start >= sigAt) return 'refused';
  return 'failed';
}

/** Runs the drill and returns its report. */
export async function sigtermDrill(): Promise<Report> {
  const report = new Report('sigterm', 'SIGTERM under load');
  try {
    const redis = await DisposableRedis.start();
    const database = await drillDatabase('sigterm');
    const pgProxy = await TcpProxy.start(5432);
    const redisProxy = await TcpProxy.start(redis.port);
    const app = await AppProcess.start('sigterm', {
      DATABASE_URL: database.replace(SHARED_PG, `postgres://postgres@127.0.0.1:${pgProxy.port}`),
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}/0`,
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      BCRYPT_COST: '10',
    });
    await app.warmUp();
    report.info(`setup: drill database on the shared PostgreSQL and a disposable redis-server, each behind a`);
    report.info(
      `       watching TCP proxy; app pid ${app.pid} on :${app.port}, SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS}`,
    );
    const base = app.base;
    const ids = await productIds(base);
    const shoppers = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => newShopper(base)));
    const agent = keepAliveAgent();
    const recorder = new Recorder();
    const pause = (outcome: Outcome) => (outcome.error || outcome.status >= 500 ? sleep(20) : Promise.resolve());
    const buy = async (worker: number, slowBodyMs?: number) => {
      const shopper = shoppers[worker]!;
      const added = recorder.add('cart', await addToCart(base, shopper, pick(ids), agent));
      if (added.status !== 201) return pause(added);
      const kind = slowBodyMs ? 'slow-body' : 'checkout';
      const placed = recorder.add(kind, await checkout(base, shopper, `drill-${suffix()}`, agent, slowBodyMs));
      const id = body<{ id?: number }>(placed)?.id;
      if (placed.status !== 201 || typeof id !== 'number') return pause(placed);
      await pause(recorder.add('pay', await pay(base, shopper, id, agent)));
    };
    const load = [
      workers(4, async () => {
        const path = pick([`/api/v1/products/${pick(ids)}`, '/api/v1/products?page=2', '/api/v1/categories']);
        await pause(recorder.add('catalog', await request(base, path, { agent })));
      }),
      workers(2, async (w) => {
        const me = await request(base, '/api/v1/users/me', { agent, headers: bearer(shoppers[w]!.access) });
        await pause(recorder.add('account', me));
      }),
      workers(3, (w) => buy(w)),
      workers(1, () => buy(3, 700)),
      workers(2, async (w) => {
        const shopper = shoppers[4 + w]!;
        await pause(recorder.add('login', await login(base, shopper.username, shopper.password)));
      }),
    ];

    await sleep(2_000);
    // One checkout surely in flight: its headers are in, its body is still arriving for another second.
    await addToCart(base, shoppers[6]!, pick(ids));
    const surelyInFlight = checkout(base, shoppers[6]!, `drill-${suffix()}`, undefined, 1_000);
    await sleep(150);
    const sigAt = now();
    app.child.kill('SIGTERM');
    const draining = await app.waitForLog((l) => String(l.msg).startsWith('shutting down'), 5_000);
    const probe = await request(base, '/health', { timeoutMs: 2_000 });
    const probeWhileAlive = app.alive;
    const exit = await Promise.race([app.exited, sleep(SHUTDOWN_TIMEOUT_MS + 5_000).then(() => undefined)]);
    await sleep(200);
    await Promise.all(load.map((l) => l.stop()));
    recorder.add('slow-body', await surelyInFlight);

    const exitAt = exit?.at ?? now();
    const exitMs = exitAt - sigAt;
    report.info(`timeline: load 2.0 s, SIGTERM, process exited ${(exitMs / 1000).toFixed(2)} s later`);
    for (const kind of ['catalog', 'account', 'cart', 'checkout', 'pay', 'slow-body', 'login']) {
      report.info(
        row(
          kind,
          'before',
          recorder.started(kind, 0, sigAt).filter((o) => o.end <= sigAt),
        ),
      );
      report.info(row(kind, 'in flight', recorder.inFlightAt(kind, sigAt)));
      report.info(row(kind, 'draining', recorder.started(kind, sigAt, exitAt)));
    }

    report.check(
      exit !== undefined && exit.code === 0 && exitMs <= SHUTDOWN_TIMEOUT_MS,
      `exit 0 within the grace period (SHUTDOWN_TIMEOUT_MS ${SHUTDOWN_TIMEOUT_MS} ms)`,
      exit
        ? `exit code ${exit.code}${exit.signal ? ` signal ${exit.signal}` : ''} after ${exitMs.toFixed(0)} ms`
        : 'still running',
    );
    const messages = app.logs.map((l) => String(l.msg));
    report.check(
      draining && messages.includes('shutdown complete'),
      'its log says it drained and completed the shutdown',
      `"shutting down…" ${draining ? 'logged' : 'MISSING'}, "shutdown complete" ${messages.includes('shutdown complete') ? 'logged' : 'MISSING'}${app.stderr ? `; stderr: ${app.stderr.slice(0, 200)}` : ''}`,
    );
    report.check(
      probe.error === 'ECONNREFUSED' && probeWhileAlive,
      'it stops accepting: a new connection during the drain is refused',
      `probe → ${probe.error ?? probe.status}${probeWhileAlive ? ' while the process was still draining' : ' (process had already exited)'}`,
    );

    const all = recorder.samples.map((s) => s.outcome).filter((o) => o.start < exitAt);
    const inFlight = recorder.inFlightAt(undefined, sigAt);
    const failed = all.filter((o) => verdict(o, sigAt) === 'failed');
    const refused = all.filter((o) => verdict(o, sigAt) === 'refused');
    const logged = app.loggedRequestIds();
    report.check(
      failed.length === 0 && inFlight.length > 0,
      'every request the app had accepted completes with a normal status (0 failed by the shutdown)',
      `${inFlight.length} in flight at SIGTERM (${counts(inFlight)}); ${failed.length} failed; ${refused.length} new connections refused after the listener closed`,
    );
    // Why each failed: did the app read the request (it logs every request it answers)?
    const unread = failed.filter((o) => o.error && o.reused && !logged.has(o.id));
    if (unread.length > 0) {
      report.info(`    ${unread.length} of them were sent on a kept-alive connection that the app then closed without`);
      report.info(
        `    reading the request (ECONNRESET, never logged by the app): idle connections are destroyed at SIGTERM`,
      );
      report.info(`    even when the next request is already on the wire`);
    }
    const ms = (instant: number) => `${((instant - sigAt) / 1000).toFixed(3)} s`;
    for (const outcome of failed.slice(0, 5)) {
      const seen = logged.has(outcome.id) ? 'the app had received and logged it' : 'the app never logged it';
      report.info(`    ${describe(outcome)}, sent ${ms(outcome.start)} after SIGTERM; ${seen}`);
      // The answer that preceded it on the same connection: did it tell the client to close?
      const previous = all
        .filter((o) => o.connection === outcome.connection && o.end <= outcome.start && o.status > 0)
        .sort((x, y) => y.end - x.end)[0];
      if (outcome.reused && previous) {
        const close = String(previous.headers.connection).toLowerCase() === 'close';
        const order = app.logIndex(previous.id) < app.logIndex('shutting down') ? 'before' : 'after';
        report.info(
          `      previous answer on that connection: ${previous.method} ${previous.path} ${previous.status}, received ${ms(previous.end)} after SIGTERM ${close ? 'with' : 'WITHOUT'} "Connection: close" (the app logged it ${order} it began shutting down)`,
        );
      }
    }
    const afterSignal = all.filter((o) => o.end > sigAt && o.status > 0);
    const closing = afterSignal.filter((o) => String(o.headers.connection).toLowerCase() === 'close');
    report.info(`responses after SIGTERM with "Connection: close": ${closing.length} of ${afterSignal.length}`);

    const pgConnections = pgProxy.connections.filter((c) => (c.appClosedAt ?? Infinity) > sigAt);
    const redisConnections = redisProxy.connections.filter((c) => (c.appClosedAt ?? Infinity) > sigAt);
    const pgPolite = pgConnections.filter((c) => endsWithPgTerminate(c.tail) && c.appClosedAt !== undefined);
    // The job worker's blocking connection is disconnected by BullMQ's close (see endsInJobWait); it must be closed
    // by the app all the same, and every other connection must say QUIT.
    const jobWaits = redisConnections.filter((c) => endsInJobWait(c.tail) && c.appClosedAt !== undefined);
    const redisPolite = redisConnections.filter((c) => endsWithRedisQuit(c.tail));
    report.check(
      pgConnections.length > 0 && pgPolite.length === pgConnections.length,
      'PostgreSQL is closed: every pool connection ended with a Terminate message from the app',
      `${pgPolite.length} of ${pgConnections.length} connections open at SIGTERM`,
    );
    report.check(
      redisConnections.length > 0 && redisPolite.length + jobWaits.length === redisConnections.length,
      'Redis is closed: the clients sent QUIT (the job worker ended its blocking wait)',
      `${redisPolite.length} QUIT + ${jobWaits.length} job wait of ${redisConnections.length} connections open at SIGTERM`,
    );
  } catch (error) {
    report.abort(error);
  }
  return report;
}
