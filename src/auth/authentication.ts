/**
 * tsoa's authentication hook for `@Security('jwt')` and
 * `@Security('jwt', ['admin'])`: verifies the bearer access token (signature,
 * algorithm, claims, type), that it is not blacklisted and its login has not
 * ended (one Redis round trip), and that the user still exists and is active
 * (one PostgreSQL query, whose row the endpoint then uses). Redis being
 * unavailable is a 503 (sessions.ts), never a pass.
 */
import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { User, type UserRole } from '../models/index.js';
import { isAccessTokenLive } from './sessions.js';
import { verifyToken } from './tokens.js';

/** The caller of an authenticated endpoint, as tsoa puts it on `request.user`. */
export interface AuthenticatedUser {
  id: number;
  username: string;
  email: string;
  phone: string | null;
  role: UserRole;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
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

const USER_COLUMNS = ['id', 'username', 'email', 'phone', 'role', 'is_active', 'created_at', 'updated_at'] as const;

/** The account behind a request (the one query authentication makes), or null. */
export async function loadCaller(userId: number) {
  return User.findByPk(userId, { attributes: [...USER_COLUMNS], raw: true });
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

  if (!(await isAccessTokenLive(claims.jti, claims.fam)))
    throw new UnauthorizedError('The access token has been revoked.');

  const user = await loadCaller(Number(claims.sub));
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
