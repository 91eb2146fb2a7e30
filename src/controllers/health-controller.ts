import { Controller, Get, Response, Route, Tags } from '@tsoa/runtime';
import type { NotReadyProblem } from '../schemas/problem.js';
import type { HealthStatus, ReadinessReport } from '../schemas/health.js';
import { health, readiness } from '../services/health-service.js';

/** Probes for load balancers and orchestrators. */
@Route('')
@Tags('Operations')
export class HealthController extends Controller {
  /**
   * Liveness: answers 200 whenever the process is up, without touching any
   * dependency. Use it to decide whether to restart the process.
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
}
