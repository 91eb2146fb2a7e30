/**
 * Rate limits, counted in Redis so every instance shares them:
 *
 * - requests per client IP to /api/v1/auth/* (AUTH_RATE_LIMIT per
 *   AUTH_RATE_WINDOW_SECONDS);
 * - failed logins per (username, client IP) (LOGIN_MAX_FAILURES per
 *   LOGIN_FAILURE_WINDOW_SECONDS); a successful login clears the count.
 *
 * When Redis is unavailable each limiter falls back to an in-memory limiter
 * with the same limits (per instance), so a Redis outage neither blocks
 * logins nor lifts the brakes.
 */
import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { config } from '../config.js';
import { RateLimitedError } from '../errors.js';
import { key, redis } from '../redis.js';

function limiter(name: string, points: number, duration: number): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: key('rate', name),
    points,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `memory-${name}`, points, duration }),
  });
}

const authRequests = limiter('auth-ip', config.auth.rateLimit, config.auth.rateWindowSeconds);
const loginFailures = limiter('login-fail', config.auth.loginMaxFailures, config.auth.loginFailureWindowSeconds);

const retryAfter = (res: RateLimiterRes): number => res.msBeforeNext / 1000;

/** Express middleware: 429 once a client IP exceeds the /auth/* request budget. */
export const limitAuthRequests: RequestHandler = (req, _res, next) => {
  authRequests.consume(req.ip ?? 'unknown').then(
    () => next(),
    (rejection: unknown) =>
      next(rejection instanceof RateLimiterRes ? new RateLimitedError(retryAfter(rejection)) : rejection),
  );
};

const loginKey = (login: string, ip: string): string => `${login.trim().toLowerCase()}|${ip}`;

/** Throws 429 while this login name has used up its failures from this IP. */
export async function assertLoginAllowed(login: string, ip: string): Promise<void> {
  const state = await loginFailures.get(loginKey(login, ip));
  if (state && state.consumedPoints >= config.auth.loginMaxFailures) {
    throw new RateLimitedError(retryAfter(state), 'Too many failed logins. Try again later.');
  }
}

/** Counts one failed login for this login name and IP. */
export async function recordLoginFailure(login: string, ip: string): Promise<void> {
  await loginFailures.penalty(loginKey(login, ip));
}

/** Clears the failure count after a successful login. */
export async function clearLoginFailures(login: string, ip: string): Promise<void> {
  await loginFailures.delete(loginKey(login, ip));
}
