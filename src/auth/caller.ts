/**
 * The account behind an authenticated request ("the caller"): loaded from
 * PostgreSQL and cached in Redis, so that authentication reads the token's
 * state and the caller's row in one Redis round trip (authentication.ts).
 *
 * The cached row is dropped whenever the account changes: every write to
 * `users` through the models is announced once it is committed
 * (models/user-changes.ts, subscribed to at the end of this file: the model
 * never imports the auth layer), and the entry lives
 * CALLER_CACHE_TTL_SECONDS (5 s) at most, which bounds how long a change made directly in SQL (an account
 * deactivated by hand) takes to be seen. Ending an
 * account's logins (deactivation, demotion, password change) never waits for
 * the cache: those revoke the logins themselves, which authentication checks
 * on every request.
 */
import { type CacheOptions, getOrLoad, invalidate, invalidatePrefix } from '../cache.js';
import { config } from '../config.js';
import { prepared, queryRows } from '../db.js';
import { onUsersChanged } from '../models/user-changes.js';
import { hashTag, key } from '../redis.js';
import type { UserRole } from '../rules.js';

/** The caller's account row: what authentication needs and /users/me shows. Never the password hash. */
export interface CallerRow {
  id: number;
  username: string;
  email: string;
  phone: string | null;
  role: UserRole;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

const CALLER = prepared(
  'caller',
  'SELECT id, username, email, phone, role, is_active, created_at, updated_at FROM users WHERE id = $1',
);

// Tagged: in a Redis Cluster the callers' entries share a slot with their prefix's counter (cache.ts).
const CALLERS_PREFIX = key('cache', hashTag('caller'), '');

/** The cache key of user `userId`'s row. */
export const callerKey = (userId: number): string => `${CALLERS_PREFIX}${userId}`;

/** How the caller cache is described to cache.ts: CALLER_CACHE_TTL_SECONDS at most, dropped by id or all at once. */
export const CALLER_CACHE: CacheOptions = {
  name: 'caller',
  ttlSeconds: config.cache.callerTtlSeconds,
  generation: CALLERS_PREFIX,
};

/** The row from PostgreSQL (undefined when there is no such account). */
export async function queryCaller(userId: number): Promise<CallerRow | undefined> {
  const [row] = await queryRows<CallerRow>(CALLER, [userId]);
  return row;
}

/** A row that went through JSON, with its dates made Dates again. */
const withDates = (row: CallerRow): CallerRow => ({
  ...row,
  created_at: new Date(row.created_at),
  updated_at: new Date(row.updated_at),
});

/** A cached row (JSON text) as a CallerRow. */
export const parseCaller = (json: string): CallerRow => withDates(JSON.parse(json) as CallerRow);

/** The caller's row from the cache or PostgreSQL, or null when there is no such account. */
export async function loadCaller(userId: number): Promise<CallerRow | null> {
  const row = await getOrLoad(callerKey(userId), CALLER_CACHE, () => queryCaller(userId));
  return row ? withDates(row) : null;
}

/** Drops the cached rows of these accounts, or of every account when `userIds` is undefined. */
export async function forgetCallers(userIds?: number[]): Promise<void> {
  if (userIds === undefined) await invalidatePrefix(CALLERS_PREFIX);
  else await invalidate(...userIds.map(callerKey));
}

// A committed write to users drops the cached rows it made stale.
onUsersChanged(forgetCallers);
