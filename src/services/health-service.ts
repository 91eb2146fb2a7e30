/** Liveness and readiness checks for load balancers and orchestrators. */
import { sequelize } from '../db.js';
import { ServiceUnavailableError } from '../errors.js';
import { isShuttingDown } from '../lifecycle.js';
import { redis, redisReady } from '../redis.js';
import type { DependencyState, HealthStatus, ReadinessReport, RoutingReport } from '../schemas/health.js';

/** How long one dependency check may take before it counts as unavailable. */
const CHECK_TIMEOUT_MS = 1_000;

/**
 * A check that failed later than this was starved by a blocked event loop,
 * not refused by its dependency: a genuine timeout fires on time (ours at
 * 1 s, the Redis client's at REDIS_COMMAND_TIMEOUT_MS), a dead dependency
 * fails fast. When the loop is blocked past a timeout (the staff panel's
 * background load evaluates AdminJS in one block of ~0.5 s idle, 1-2 s on a
 * saturated machine, see admin/index.ts), the timer runs before the reply
 * that already arrived is read, so the check "times out" with its answer
 * waiting. Such a check is tried again (MAX_TRIES).
 */
const STARVED_AFTER_MS = CHECK_TIMEOUT_MS + 250;
/**
 * Tries of a starved check: the panel's load can block the loop more than
 * once in a row on a saturated machine (CI saw a second starved try answer
 * 503). A refused or genuinely timed-out check is never tried again.
 */
const MAX_TRIES = 3;

async function probe(check: () => Promise<unknown>): Promise<DependencyState> {
  let state: DependencyState = 'unavailable';
  for (let tries = 0; tries < MAX_TRIES; tries += 1) {
    const started = performance.now();
    state = await attempt(check);
    if (state === 'ok' || performance.now() - started < STARVED_AFTER_MS) return state;
  }
  return state;
}

/** One run of `check`, bounded by CHECK_TIMEOUT_MS. */
async function attempt(check: () => Promise<unknown>): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}

/** The process is alive; Redis as the client sees it (no round trip). */
export function health(): HealthStatus {
  return { status: 'ok', uptime_seconds: Math.round(process.uptime()), redis: redisReady() ? 'ok' : 'unavailable' };
}

/** Both checks at once, each bounded by CHECK_TIMEOUT_MS (with one more try when starved). */
async function checkAll(): Promise<ReadinessReport['checks']> {
  const [postgres, redisState] = await Promise.all([
    probe(() => sequelize.query('SELECT 1')),
    probe(() => redis.ping()),
  ]);
  return { postgres, redis: redisState };
}

/**
 * Checks PostgreSQL (`SELECT 1`) and Redis (`PING`) in parallel, each bounded
 * by a 1 s timeout. Throws a 503 naming what failed, or "shutting down" while
 * the process drains.
 */
export async function readiness(): Promise<ReadinessReport> {
  const checks = await checkAll();
  if (isShuttingDown()) {
    throw new ServiceUnavailableError('The server is shutting down.', { checks });
  }
  const failed = Object.entries(checks)
    .filter(([, state]) => state !== 'ok')
    .map(([name]) => (name === 'postgres' ? 'PostgreSQL' : 'Redis'));
  if (failed.length > 0) {
    throw new ServiceUnavailableError(`Not ready: ${failed.join(' and ')} unavailable.`, { checks });
  }
  return { status: 'ready', checks };
}

/**
 * Readiness for a load balancer's routing: 200 while this instance can serve
 * (PostgreSQL answers), "degraded" in the body while Redis does not, so a
 * Redis failover does not take every instance out of rotation at once (the
 * catalog keeps serving from PostgreSQL). 503 when PostgreSQL is unavailable
 * or the server is shutting down.
 */
export async function routingReadiness(): Promise<RoutingReport> {
  const checks = await checkAll();
  if (isShuttingDown()) throw new ServiceUnavailableError('The server is shutting down.', { checks });
  if (checks.postgres !== 'ok') throw new ServiceUnavailableError('Not ready: PostgreSQL unavailable.', { checks });
  return { status: checks.redis === 'ok' ? 'ready' : 'degraded', checks };
}
