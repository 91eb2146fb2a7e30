/**
 * The authentication module of the benchmark's r3 baseline: the same app,
 * routes and handlers, but "authentication" only loads the caller's row (the
 * query real authentication makes too), with no token check and no Redis.
 * Never used by the app itself.
 */
import type { Request } from 'express';
import { type AuthenticatedUser, loadCaller } from '../src/auth/authentication.js';

const userId = Number(process.env.BENCH_USER_ID);

/** tsoa's hook, minus the token: always the benchmark user. */
export async function expressAuthentication(_request: Request, _securityName: string): Promise<AuthenticatedUser> {
  const user = await loadCaller(userId);
  if (!user) throw new Error(`benchmark user ${userId} does not exist`);
  return { ...user, tokenId: 'bench', tokenExpiresAt: 0, familyId: 'bench' };
}
