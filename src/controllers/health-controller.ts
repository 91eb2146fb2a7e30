import { Controller, Get, Response, Route, Tags } from '@tsoa/runtime';
import type { NotReadyProblem } from '../schemas/problem.js';
import type { HealthStatus, ReadinessReport, RoutingReport } from '../schemas/health.js';
import { health, readiness, routingReadiness } from '../services/health-service.js';

/** Probes for load balancers and orchestrators. */
@Route('')
@Tags('Operations')
export class HealthController extends Controller {
  /**
   * Liveness: answers 200 whenever the process is up, without touching any
   * dependency (`redis` is the client's connection state, no round trip).
   * Use it to decide whether to restart the process.
   * @summary Is the process alive?
   */
  @Get('health')
  public getHealth(): HealthStatus {
    return health();
  }

  /**
   * Readiness: 200 when PostgreSQL (`SELECT 1`) and Redis (`PING`) both
   * answer within a second; otherwise 503 naming what failed. It also answers
   * 503 while the server is shutting down. Use it to decide whether to send
   * traffic to this instance.
   * @summary Can this instance serve traffic?
   */
  @Get('ready')
  @Response<NotReadyProblem>(
    503,
    'A dependency is unavailable or the server is shutting down',
    undefined,
    'application/problem+json',
  )
  public async getReadiness(): Promise<ReadinessReport> {
    return readiness();
  }

  /**
   * Readiness for routing, for load balancers: 200 while this instance can
   * serve, that is while PostgreSQL answers `SELECT 1` within a second.
   * Redis is checked too and reported: `status` is "degraded" while it does
   * not answer (the catalog keeps serving from PostgreSQL; sign-in state and
   * carts answer 503 until it is back), so a Redis failover does not take
   * every instance out of rotation. 503 when PostgreSQL is unavailable or
   * the server is shutting down. `/ready` stays the strict check (both).
   * @summary Can a load balancer route traffic here?
   */
  @Get('ready/routing')
  @Response<NotReadyProblem>(
    503,
    'PostgreSQL is unavailable or the server is shutting down',
    undefined,
    'application/problem+json',
  )
  public async getRoutingReadiness(): Promise<RoutingReport> {
    return routingReadiness();
  }
}
