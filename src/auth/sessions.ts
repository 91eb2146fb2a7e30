/**
 * Login state in Redis, shared by every instance:
 *
 * - `family:<id>` holds the one refresh-token id of a login that may still be
 *   used (refresh rotation). Presenting any other refresh token of the family
 *   is reuse: the family is deleted, which kills every token of that login.
 *   Access tokens name their family, so deleting it also ends them.
 * - `user-families:<userId>` is the set of a user's logins, to end them all
 *   but one on a password change.
 * - `blacklist:<jti>` marks a logged-out access token until it would expire.
 *
 * Every operation here throws a 503 ServiceUnavailableError when Redis is
 * unavailable: authentication fails closed, never "token valid".
 */
import type { Result } from 'ioredis';
import { config } from '../config.js';
import { ServiceUnavailableError } from '../errors.js';
import { key, redis } from '../redis.js';

const familyKey = (familyId: string): string => key('auth', 'family', familyId);
const userFamiliesKey = (userId: number | string): string => key('auth', 'user-families', userId);
const blacklistKey = (jti: string): string => key('auth', 'blacklist', jti);

// Atomic check-and-rotate: 1 rotated, 0 family unknown (revoked or expired), -1 reuse (family now revoked).
// A rotation also keeps the user's set of logins alive as long as the login itself.
redis.defineCommand('emporiumRotateRefresh', {
  numberOfKeys: 2,
  lua: `
    local current = redis.call('GET', KEYS[1])
    if not current then return 0 end
    if current ~= ARGV[1] then
      redis.call('DEL', KEYS[1])
      redis.call('SREM', KEYS[2], ARGV[4])
      return -1
    end
    redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
    redis.call('SADD', KEYS[2], ARGV[4])
    redis.call('EXPIRE', KEYS[2], ARGV[3])
    return 1
  `,
});

declare module 'ioredis' {
  interface RedisCommander<Context> {
    emporiumRotateRefresh(
      familyKey: string,
      userFamiliesKey: string,
      presentedJti: string,
      nextJti: string,
      ttl: number,
      familyId: string,
    ): Result<number, Context>;
  }
}

/** Outcome of presenting a refresh token. */
export type RotationResult = 'rotated' | 'unknown' | 'reused';

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
      .set(familyKey(familyId), refreshJti, 'EX', ttl)
      .sadd(userFamiliesKey(userId), familyId)
      .expire(userFamiliesKey(userId), ttl)
      .exec()
      .then(failOnError),
  );
}

/**
 * Atomically swaps the family's current refresh token `presentedJti` for
 * `nextJti`. A token that is not the current one is reuse: the whole family
 * is revoked.
 */
export async function rotateRefresh(
  userId: number,
  familyId: string,
  presentedJti: string,
  nextJti: string,
): Promise<RotationResult> {
  const result = await guarded(() =>
    redis.emporiumRotateRefresh(
      familyKey(familyId),
      userFamiliesKey(userId),
      presentedJti,
      nextJti,
      config.auth.refreshTtlSeconds,
      familyId,
    ),
  );
  return result === 1 ? 'rotated' : result === -1 ? 'reused' : 'unknown';
}

/** Ends logins: every token of these families stops working. */
export function revokeFamilies(userId: number, familyIds: string[]): Promise<void> {
  if (familyIds.length === 0) return Promise.resolve();
  return guarded(() =>
    redis
      .multi()
      .del(...familyIds.map(familyKey))
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

/** The Redis keys whose values say whether an access token is live (see accessTokenLive). */
export const accessTokenKeys = (jti: string, familyId: string): string[] => [blacklistKey(jti), familyKey(familyId)];

/** Whether an access token is live, from the values of its accessTokenKeys: not blacklisted, and its login not ended. */
export const accessTokenLive = ([blacklisted, family]: (string | null)[]): boolean =>
  blacklisted === null && family !== null && family !== undefined;

function failOnError(results: [Error | null, unknown][] | null): void {
  const failure = results?.find(([error]) => error);
  if (!results || failure) throw failure?.[0] ?? new Error('redis transaction aborted');
}
