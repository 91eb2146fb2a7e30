/**
 * tsoa's authentication hook for `@Security('jwt')` and
 * `@Security('jwt', ['admin'])`: verifies the bearer access token (signature,
 * algorithm, claims, type), then, in one Redis round trip, that it is not
 * blacklisted, that its login has not ended, and the caller's account row
 * (cached; PostgreSQL on a miss, see caller.ts), which must exist and be
 * active; the endpoint then uses that row. Redis being unavailable is a 503
 * (sessions.ts), never a pass.
 */
import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { readWithCached } from '../cache.js';
import { CALLER_CACHE, type CallerRow, callerKey, forgetCallers, parseCaller, queryCaller } from './caller.js';
import { accessTokenKeys, accessTokenLive, signInUnavailable } from './sessions.js';
import { verifyToken } from './tokens.js';

/** The caller of an authenticated endpoint, as tsoa puts it on `request.user`. */
export interface AuthenticatedUser extends CallerRow {
  /** The access token's id and expiry (seconds since epoch), for logout. */
  tokenId: string;
  tokenExpiresAt: number;
  /** The login this token belongs to. */
  familyId: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthenticatedUser;
  }
}

/** The one security scheme name used in controllers and the spec. */
export const JWT_SCHEME = 'jwt';

/** The cached row; a corrupt entry is dropped and the row read from PostgreSQL instead. */
async function callerFrom(json: string, userId: number): Promise<CallerRow | undefined> {
  try {
    return parseCaller(json);
  } catch {
    await forgetCallers([userId]);
    return queryCaller(userId);
  }
}

function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/**
 * Resolves the caller of a request carrying `Authorization: Bearer <access
 * token>`. `scopes` lists roles allowed (any of them); none means any user.
 */
export async function authenticate(request: Request, scopes: string[] = []): Promise<AuthenticatedUser> {
  const token = bearerToken(request);
  if (!token) throw new UnauthorizedError('A bearer access token is required.');
  const claims = verifyToken(token, 'access');
  if (!claims) throw new UnauthorizedError('The access token is invalid or expired.');

  // One Redis round trip: the token's state and the caller's cached row (PostgreSQL on a miss).
  const userId = Number(claims.sub);
  const { values, json } = await readWithCached(
    accessTokenKeys(userId, claims.jti, claims.fam),
    callerKey(userId),
    CALLER_CACHE,
    () => queryCaller(userId),
    signInUnavailable,
  );
  if (!accessTokenLive(values)) throw new UnauthorizedError('The access token has been revoked.');

  const user = json === undefined ? undefined : await callerFrom(json, userId);
  if (!user || !user.is_active) throw new UnauthorizedError('The access token is invalid or expired.');
  if (scopes.length > 0 && !scopes.includes(user.role)) throw new ForbiddenError('This needs a staff account.');

  return { ...user, tokenId: claims.jti, tokenExpiresAt: claims.exp, familyId: claims.fam };
}

/** The function tsoa's generated routes call (named by tsoa.json's authenticationModule). */
export function expressAuthentication(
  request: Request,
  securityName: string,
  scopes?: string[],
): Promise<AuthenticatedUser> {
  if (securityName !== JWT_SCHEME) return Promise.reject(new UnauthorizedError());
  return authenticate(request, scopes);
}
