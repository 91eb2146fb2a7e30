/**
 * Login state in Redis, shared by every instance:
 *
 * - `family:<id>` holds the one refresh-token id of a login that may still be
 *   used (refresh rotation), for as long as a refresh token lives. Presenting
 *   any other refresh token of the family is reuse: the family is deleted,
 *   which kills every token of that login. Access tokens name their family,
 *   so deleting it also ends them. It stays a plain string: every
 *   authenticated request reads it in its one MGET.
 * - `family-grace:<id>` (a hash: `used`, and the successor's `jti`, `iat`,
 *   `exp`) lives REFRESH_REUSE_GRACE_SECONDS after a rotation. Within it, the
 *   refresh token just exchanged is answered with the same successor instead
 *   of counting as reuse (RFC 9700 §4.14.2): parallel refreshes from two tabs,
 *   or a retry whose answer was lost, keep the login.
 * - `user-families:<userId>` is the set of a user's logins, to end them all
 *   but one on a password change.
 * - `blacklist:<jti>` marks a logged-out access token until it would expire.
 *
 * A user's family, grace and login-set keys carry the hash tag `{user:<id>}`,
 * so in a Redis Cluster the rotation script and the transactions that touch
 * them together stay in one slot.
 *
 * Every operation here throws a 503 ServiceUnavailableError when Redis is
 * unavailable: authentication fails closed, never "token valid".
 */
import type { Result } from 'ioredis';
import { config } from '../config.js';
import { ServiceUnavailableError } from '../errors.js';
import { hashTag, key, redis } from '../redis.js';
import type { RefreshIdentity } from './tokens.js';

const userTag = (userId: number | string): string => hashTag(`user:${userId}`);
const familyKey = (userId: number | string, familyId: string): string =>
  key('auth', userTag(userId), 'family', familyId);
const graceKey = (userId: number | string, familyId: string): string =>
  key('auth', userTag(userId), 'family-grace', familyId);
/** The set of a user's logins (family ids). */
export const userFamiliesKey = (userId: number | string): string => key('auth', userTag(userId), 'families');
const blacklistKey = (jti: string): string => key('auth', 'blacklist', jti);

// Atomic check-and-rotate, so of parallel refreshes with one token exactly one rotates. Answers
// {1} rotated; {2, jti, iat, exp} the presented token was exchanged within the grace period and
// its successor (this identity) is still current; {0} family unknown (revoked or expired);
// {-1} reuse (family now revoked). A rotation also keeps the user's set of logins alive as long
// as the login itself.
redis.defineCommand('emporiumRotateRefresh', {
  numberOfKeys: 3,
  lua: `
    local current = redis.call('GET', KEYS[1])
    if not current then return {0} end
    if current == ARGV[1] then
      redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[5])
      redis.call('DEL', KEYS[2])
      if tonumber(ARGV[6]) > 0 then
        redis.call('HSET', KEYS[2], 'used', ARGV[1], 'jti', ARGV[2], 'iat', ARGV[3], 'exp', ARGV[4])
        redis.call('EXPIRE', KEYS[2], ARGV[6])
      end
      redis.call('SADD', KEYS[3], ARGV[7])
      redis.call('EXPIRE', KEYS[3], ARGV[5])
      return {1}
    end
    local grace = redis.call('HMGET', KEYS[2], 'used', 'jti', 'iat', 'exp')
    if grace[1] == ARGV[1] and grace[2] == current then
      return {2, grace[2], grace[3], grace[4]}
    end
    redis.call('DEL', KEYS[1], KEYS[2])
    redis.call('SREM', KEYS[3], ARGV[7])
    return {-1}
  `,
});

declare module 'ioredis' {
  interface RedisCommander<Context> {
    emporiumRotateRefresh(
      familyKey: string,
      graceKey: string,
      userFamiliesKey: string,
      presentedJti: string,
      nextJti: string,
      nextIat: number,
      nextExp: number,
      ttl: number,
      graceSeconds: number,
      familyId: string,
    ): Result<[number, string?, string?, string?], Context>;
  }
}

/**
 * Outcome of presenting a refresh token: `rotated` (the successor given is
 * now current), `repeated` (exchanged moments ago: answer with `successor`,
 * the one already issued), `unknown` (the login is over) or `reused` (the
 * login has just been ended).
 */
export type RotationResult =
  { outcome: 'rotated' | 'unknown' | 'reused' } | { outcome: 'repeated'; successor: RefreshIdentity };

/** The 503 for a Redis failure in sign-in state (fail closed). */
export const signInUnavailable = (cause: unknown): ServiceUnavailableError =>
  new ServiceUnavailableError('Sign-in is temporarily unavailable. Try again shortly.', {}, { cause });

/** Runs Redis work; a Redis failure becomes a 503 (fail closed). */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw signInUnavailable(error);
  }
}

/** Starts a login: family `familyId` whose current refresh token is `refreshJti`. */
export function startFamily(userId: number, familyId: string, refreshJti: string): Promise<void> {
  const ttl = config.auth.refreshTtlSeconds;
  return guarded(() =>
    redis
      .multi()
      .set(familyKey(userId, familyId), refreshJti, 'EX', ttl)
      .sadd(userFamiliesKey(userId), familyId)
      .expire(userFamiliesKey(userId), ttl)
      .exec()
      .then(failOnError),
  );
}

/**
 * Atomically swaps the family's current refresh token `presentedJti` for
 * `next`. The token exchanged last, presented again within the grace period
 * while its successor is still current, is `repeated`. Any other token that
 * is not the current one is reuse: the whole family is revoked.
 */
export async function rotateRefresh(
  userId: number,
  familyId: string,
  presentedJti: string,
  next: RefreshIdentity,
): Promise<RotationResult> {
  const [code, jti, iat, exp] = await guarded(() =>
    redis.emporiumRotateRefresh(
      familyKey(userId, familyId),
      graceKey(userId, familyId),
      userFamiliesKey(userId),
      presentedJti,
      next.jti,
      next.iat,
      next.exp,
      config.auth.refreshTtlSeconds,
      config.auth.refreshReuseGraceSeconds,
      familyId,
    ),
  );
  if (code === 2) return { outcome: 'repeated', successor: { jti: jti!, iat: Number(iat), exp: Number(exp) } };
  return { outcome: code === 1 ? 'rotated' : code === -1 ? 'reused' : 'unknown' };
}

/** Ends logins: every token of these families stops working. */
export function revokeFamilies(userId: number, familyIds: string[]): Promise<void> {
  if (familyIds.length === 0) return Promise.resolve();
  return guarded(() =>
    redis
      .multi()
      .del(
        ...familyIds.map((familyId) => familyKey(userId, familyId)),
        ...familyIds.map((familyId) => graceKey(userId, familyId)),
      )
      .srem(userFamiliesKey(userId), ...familyIds)
      .exec()
      .then(failOnError),
  );
}

/** Ends every login of the user except `keepFamilyId` (after a password change). Returns how many ended. */
export async function revokeOtherFamilies(userId: number, keepFamilyId: string): Promise<number> {
  const families = await guarded(() => redis.smembers(userFamiliesKey(userId)));
  const others = families.filter((familyId) => familyId !== keepFamilyId);
  await revokeFamilies(userId, others);
  return others.length;
}

/** Ends every login of the user (deactivation, a staff password reset, a role change). */
export async function revokeAllFamilies(userId: number): Promise<void> {
  const families = await guarded(() => redis.smembers(userFamiliesKey(userId)));
  await revokeFamilies(userId, families);
}

/** Puts an access token on the blacklist until it would have expired anyway. */
export async function blacklistAccessToken(jti: string, expiresAt: number): Promise<void> {
  const ttl = Math.ceil(expiresAt - Date.now() / 1000);
  if (ttl > 0) await guarded(() => redis.set(blacklistKey(jti), '1', 'EX', ttl));
}

/** The Redis keys whose values say whether user `userId`'s access token is live (see accessTokenLive). */
export const accessTokenKeys = (userId: number, jti: string, familyId: string): string[] => [
  blacklistKey(jti),
  familyKey(userId, familyId),
];

/** Whether an access token is live, from the values of its accessTokenKeys: not blacklisted, and its login not ended. */
export const accessTokenLive = ([blacklisted, family]: (string | null)[]): boolean =>
  blacklisted === null && family !== null && family !== undefined;

function failOnError(results: [Error | null, unknown][] | null): void {
  const failure = results?.find(([error]) => error);
  if (!results || failure) throw failure?.[0] ?? new Error('redis transaction aborted');
}
