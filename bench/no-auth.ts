/**
 * The authentication module of the benchmark's r3 baseline: the same app,
 * routes and handlers, but "authentication" only loads the caller's row the
 * way real authentication does (cached in Redis, PostgreSQL on a miss), with
 * no token check and no token state. Never used by the app itself.
 */
import type { Request } from 'express';
import type { AuthenticatedUser } from '../src/auth/authentication.js';
import { loadCaller } from '../src/auth/caller.js';

const userId = Number(process.env.BENCH_USER_ID);

/** tsoa's hook, minus the token: always the benchmark user. */
export async function expressAuthentication(_request: Request, _securityName: string): Promise<AuthenticatedUser> {
  const user = await loadCaller(userId);
  if (!user) throw new Error(`benchmark user ${userId} does not exist`);
  return { ...user, tokenId: 'bench', tokenExpiresAt: 0, familyId: 'bench' };
}
