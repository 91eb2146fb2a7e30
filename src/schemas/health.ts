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

/** The state of one dependency as seen by the readiness check. */
export type DependencyState = ReadinessReport['checks']['postgres'];
