/**
 * Rate limits, counted in Redis so every instance shares them:
 *
 * - requests per client address to /api/v1/auth/* (AUTH_RATE_LIMIT per
 *   AUTH_RATE_WINDOW_SECONDS);
 * - failed logins per (account, client address) (LOGIN_MAX_FAILURES per
 *   LOGIN_FAILURE_WINDOW_SECONDS);
 * - failed logins per account from every address together
 *   (LOGIN_ACCOUNT_MAX_FAILURES per LOGIN_ACCOUNT_WINDOW_SECONDS), so
 *   guessing from many addresses is throttled too.
 *
 * "Account" is the user the login name resolves to, so a username and its
 * e-mail address share one budget; a name that resolves to no one is counted
 * under the name (NFKC, case-folded), so unknown and known names behave
 * alike. Addresses are counted canonically: an IPv4-mapped IPv6 address as
 * the IPv4 address, any other IPv6 address by its /64 (what one subscriber
 * gets), so respelling an address or hopping within a /64 buys nothing.
 *
 * The account-wide limit must not let a stranger lock the owner out: an
 * address the account logged in from successfully in the last
 * KNOWN_ADDRESS_DAYS days still gets its own per-address budget while the
 * account is throttled. The owner on a new network waits out the window
 * (at most LOGIN_ACCOUNT_WINDOW_SECONDS after the attack's first failure).
 * A successful login clears both failure counts.
 *
 * When Redis is unavailable each limiter falls back to an in-memory limiter
 * with the same limits (per instance), so a Redis outage neither blocks
 * logins nor lifts the brakes.
 */
import type { RequestHandler } from 'express';
import ipaddr from 'ipaddr.js';
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

const { auth } = config;
const authRequests = limiter('auth-ip', auth.rateLimit, auth.rateWindowSeconds);
const loginFailures = limiter('login-fail', auth.loginMaxFailures, auth.loginFailureWindowSeconds);
const accountFailures = limiter('login-fail-account', auth.accountMaxFailures, auth.accountFailureWindowSeconds);

/** How long a successful login's address stays "known" to the account (see the module comment). */
const KNOWN_ADDRESS_DAYS = 30;
/** How many known addresses an account keeps (the most recent). */
const KNOWN_ADDRESSES_MAX = 20;
const knownAddressesKey = (account: string): string => key('auth', 'known-addresses', account);

const retryAfter = (res: RateLimiterRes): number => res.msBeforeNext / 1000;

/**
 * A client address as the limits count it: IPv4-mapped IPv6 as IPv4, other
 * IPv6 as its /64 network, IPv4 as it is; anything unparsable as given.
 */
export function canonicalAddress(ip: string | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return ip || 'unknown';
  const address = ipaddr.parse(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${v6.toNormalizedString()}/64`);
  return `${network.toString()}/64`;
}

/** A login name as typed, in the one spelling limits count it by (NFKC, trimmed, case-folded). */
export const normalizeLogin = (login: string): string => login.normalize('NFKC').trim().toLowerCase();

/** The budget's state as the RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers) tell it. */
function rateLimitHeaders(state: RateLimiterRes): Record<string, string> {
  return {
    'RateLimit-Limit': String(auth.rateLimit),
    'RateLimit-Remaining': String(Math.max(0, state.remainingPoints)),
    'RateLimit-Reset': String(Math.ceil(state.msBeforeNext / 1000)),
  };
}

/**
 * Express middleware: 429 once a client address exceeds the /auth/* request
 * budget. Every answer it lets through, and the 429, says how much of the
 * budget is left (RateLimit-Limit, -Remaining, -Reset).
 */
export const limitAuthRequests: RequestHandler = (req, res, next) => {
  authRequests.consume(canonicalAddress(req.ip)).then(
    (state) => {
      res.set(rateLimitHeaders(state));
      next();
    },
    (rejection: unknown) => {
      if (!(rejection instanceof RateLimiterRes)) return next(rejection);
      res.set(rateLimitHeaders(rejection));
      next(new RateLimitedError(retryAfter(rejection)));
    },
  );
};

/** Whose budgets one login attempt spends: the account (or unknown name), and the client's address. */
export interface LoginAttempt {
  account: string;
  address: string;
}

/**
 * The attempt of logging in as `userId` (the account the typed name resolved
 * to, if any) under the typed `login` name, from client address `ip`.
 */
export function loginAttempt(userId: number | undefined, login: string, ip: string | undefined): LoginAttempt {
  return {
    account: userId === undefined ? `name:${normalizeLogin(login)}` : `user:${userId}`,
    address: canonicalAddress(ip),
  };
}

const pairKey = ({ account, address }: LoginAttempt): string => `${account}|${address}`;

const TOO_MANY = 'Too many failed logins. Try again later.';

/** Whether the account logged in successfully from this address lately (Redis down: not known). */
async function knownAddress({ account, address }: LoginAttempt): Promise<boolean> {
  try {
    return (await redis.zscore(knownAddressesKey(account), address)) !== null;
  } catch {
    return false;
  }
}

/**
 * Throws 429 while this attempt's (account, address) budget is used up, or
 * while the account is throttled and the address is not one it logged in
 * from lately.
 */
export async function assertLoginAllowed(attempt: LoginAttempt): Promise<void> {
  const [pair, account] = await Promise.all([
    loginFailures.get(pairKey(attempt)),
    accountFailures.get(attempt.account),
  ]);
  if (pair && pair.consumedPoints >= auth.loginMaxFailures) throw new RateLimitedError(retryAfter(pair), TOO_MANY);
  if (account && account.consumedPoints >= auth.accountMaxFailures && !(await knownAddress(attempt))) {
    throw new RateLimitedError(retryAfter(account), TOO_MANY);
  }
}

/** Counts one failed login against the (account, address) pair and the account. */
export async function recordLoginFailure(attempt: LoginAttempt): Promise<void> {
  await Promise.all([loginFailures.penalty(pairKey(attempt)), accountFailures.penalty(attempt.account)]);
}

/** After a successful login: both failure counts are cleared and the address becomes known to the account. */
export async function recordLoginSuccess(attempt: LoginAttempt): Promise<void> {
  const known = knownAddressesKey(attempt.account);
  await Promise.all([
    loginFailures.delete(pairKey(attempt)),
    accountFailures.delete(attempt.account),
    redis
      .multi()
      .zadd(known, Date.now(), attempt.address)
      .zremrangebyrank(known, 0, -KNOWN_ADDRESSES_MAX - 1)
      .expire(known, KNOWN_ADDRESS_DAYS * 86_400)
      .exec()
      .catch(() => undefined),
  ]);
}
