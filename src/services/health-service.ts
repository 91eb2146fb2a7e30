/** Liveness and readiness checks for load balancers and orchestrators. */
import { sequelize } from '../db.js';
import { ServiceUnavailableError } from '../errors.js';
import { isShuttingDown } from '../lifecycle.js';
import { redis } from '../redis.js';
import type { DependencyState, HealthStatus, ReadinessReport } from '../schemas/health.js';

/** How long one dependency check may take before it counts as unavailable. */
const CHECK_TIMEOUT_MS = 1_000;

async function probe(check: () => Promise<unknown>): Promise<DependencyState> {
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

/** The process is alive. */
export function health(): HealthStatus {
  return { status: 'ok', uptime_seconds: Math.round(process.uptime()) };
}

/**
 * Checks PostgreSQL (`SELECT 1`) and Redis (`PING`) in parallel, each bounded
 * by a 1 s timeout. Throws a 503 naming what failed, or "shutting down" while
 * the process drains.
 */
export async function readiness(): Promise<ReadinessReport> {
  const [postgres, redisState] = await Promise.all([
    probe(() => sequelize.query('SELECT 1')),
    probe(() => redis.ping()),
  ]);
  const checks = { postgres, redis: redisState };
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
