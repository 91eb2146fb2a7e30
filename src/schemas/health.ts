/** Liveness: the process is up and serving HTTP. */
export interface HealthStatus {
  /** Always "ok" when the process answers at all. */
  status: 'ok';
  /**
   * Whole seconds since the process started.
   * @isInt
   * @minimum 0
   * @maximum 2147483647
   * @example 3600
   */
  uptime_seconds: number;
  /**
   * Redis as this process's client sees it right now ("ok": connected), without a round trip: the
   * shop keeps serving the catalog while it is "unavailable"; sign-in and carts need it.
   */
  redis: 'ok' | 'unavailable';
}

/** Readiness: every dependency the API needs answered. */
export interface ReadinessReport {
  /** "ready" when PostgreSQL and Redis both answered. */
  status: 'ready';
  /** Each dependency and what it answered. */
  checks: {
    /** `SELECT 1` on PostgreSQL: "ok" or "unavailable". */
    postgres: 'ok' | 'unavailable';
    /** `PING` on Redis: "ok" or "unavailable". */
    redis: 'ok' | 'unavailable';
  };
}

/**
 * Readiness for routing: this instance can serve (PostgreSQL answered).
 * "degraded" while Redis is unavailable: the catalog is served from
 * PostgreSQL, sign-in state and carts answer 503 until it returns.
 */
export interface RoutingReport {
  status: 'ready' | 'degraded';
  /** Each dependency and what it answered. */
  checks: ReadinessReport['checks'];
}

/** The state of one dependency as seen by the readiness check. */
export type DependencyState = ReadinessReport['checks']['postgres'];
