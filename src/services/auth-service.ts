/** Registering, logging in, refreshing and logging out. */
import { randomUUID } from 'node:crypto';
import { loadCaller } from '../auth/caller.js';
import type { AuthenticatedUser } from '../auth/authentication.js';
import { assertPasswordFits, hashPassword, verifyPassword } from '../auth/passwords.js';
import { assertLoginAllowed, clearLoginFailures, recordLoginFailure } from '../auth/rate-limits.js';
import { blacklistAccessToken, revokeFamilies, rotateRefresh, startFamily } from '../auth/sessions.js';
import { signToken, verifyToken } from '../auth/tokens.js';
import { config } from '../config.js';
import { ConflictError, UnauthorizedError } from '../errors.js';
import { logger } from '../logger.js';
import { User } from '../models/index.js';
import type { LoginRequest, RegisterRequest, TokenPair } from '../schemas/auth.js';
import type { UserOut } from '../schemas/user.js';
import { matchesIgnoringCase, takenConflict, toUserOut } from './user-service.js';

/** The one answer for every failed login, so attackers learn nothing about which part was wrong. */
const BAD_CREDENTIALS = 'Invalid username or password.';

/** Creates a shopper account (role customer). 409 when the username or e-mail is taken, in any case. */
export async function register(input: RegisterRequest): Promise<UserOut> {
  assertPasswordFits(input.password, 'password');
  const [usernameTaken, emailTaken] = await Promise.all([
    User.count({ where: matchesIgnoringCase('username', input.username) }),
    User.count({ where: matchesIgnoringCase('email', input.email) }),
  ]);
  if (usernameTaken > 0) throw new ConflictError('This username is taken.');
  if (emailTaken > 0) throw new ConflictError('This e-mail address is already registered.');
  try {
    const user = await User.create({
      username: input.username,
      email: input.email,
      phone: input.phone ?? null,
      password_hash: await hashPassword(input.password),
      role: 'customer',
    });
    return toUserOut(user);
  } catch (error) {
    throw takenConflict(error);
  }
}

/** A new access token for the login, with its already-signed refresh token. */
function tokenPair(userId: number, familyId: string, refreshToken: string): TokenPair {
  return {
    access_token: signToken('access', userId, familyId).token,
    refresh_token: refreshToken,
    token_type: 'bearer',
    expires_in: config.auth.accessTtlSeconds,
    refresh_expires_in: config.auth.refreshTtlSeconds,
  };
}

/**
 * Checks credentials (username or e-mail, any case) and starts a login.
 * Unknown user, wrong password and inactive user get the same 401 after the
 * same bcrypt work. Failures are counted per (login, IP); past the limit, 429.
 */
export async function login(input: LoginRequest, ip: string): Promise<TokenPair> {
  await assertLoginAllowed(input.username, ip);
  const field = input.username.includes('@') ? 'email' : 'username';
  const user = await User.findOne({ where: matchesIgnoringCase(field, input.username) });
  const passwordOk = await verifyPassword(input.password, user?.password_hash);
  if (!user || !passwordOk || !user.is_active) {
    await recordLoginFailure(input.username, ip);
    throw new UnauthorizedError(BAD_CREDENTIALS);
  }
  await clearLoginFailures(input.username, ip);

  const familyId = randomUUID();
  const refresh = signToken('refresh', user.id, familyId);
  // The caller's row is cached now, so the requests this login makes next find it in Redis.
  await Promise.all([startFamily(user.id, familyId, refresh.jti), loadCaller(user.id).catch(() => null)]);
  return tokenPair(user.id, familyId, refresh.token);
}

/**
 * Exchanges a refresh token for a new pair. Each refresh token works once:
 * presenting one that was already exchanged ends the whole login (reuse
 * detection), so a thief and the victim both have to log in again.
 */
export async function refresh(refreshToken: string): Promise<TokenPair> {
  const claims = verifyToken(refreshToken, 'refresh');
  if (!claims) throw new UnauthorizedError('The refresh token is invalid or expired.');
  const userId = Number(claims.sub);
  const user = await User.findByPk(userId, { attributes: ['id', 'is_active'], raw: true });
  if (!user || !user.is_active) {
    await revokeFamilies(userId, [claims.fam]);
    throw new UnauthorizedError('The refresh token is invalid or expired.');
  }
  const next = signToken('refresh', userId, claims.fam);
  const outcome = await rotateRefresh(userId, claims.fam, claims.jti, next.jti);
  if (outcome === 'reused') {
    logger.warn({ user_id: userId, family: claims.fam }, 'refresh token reuse detected: login revoked');
    throw new UnauthorizedError('This refresh token was already used; the login has been ended. Log in again.');
  }
  if (outcome === 'unknown') throw new UnauthorizedError('The refresh token is invalid or expired.');
  return tokenPair(userId, claims.fam, next.token);
}

/**
 * Ends the caller's login: the access token is blacklisted until it expires
 * and its login (with every refresh token) is revoked. A refresh token of
 * another login of the same user, if given, is revoked too.
 */
export async function logout(user: AuthenticatedUser, refreshToken?: string): Promise<void> {
  const families = [user.familyId];
  const claims = refreshToken ? verifyToken(refreshToken, 'refresh') : null;
  if (claims && Number(claims.sub) === user.id && claims.fam !== user.familyId) families.push(claims.fam);
  await blacklistAccessToken(user.tokenId, user.tokenExpiresAt);
  await revokeFamilies(user.id, families);
}
