/** Registering, logging in, refreshing and logging out. */
import { randomUUID } from 'node:crypto';
import { loadCaller } from '../auth/caller.js';
import type { AuthenticatedUser } from '../auth/authentication.js';
import { attemptLogin } from '../auth/login-attempts.js';
import { blacklistAccessToken, revokeFamilies, rotateRefresh, startFamily } from '../auth/sessions.js';
import { newRefreshIdentity, signRefreshToken, signToken, verifyToken } from '../auth/tokens.js';
import { config } from '../config.js';
import { UnauthorizedError } from '../errors.js';
import { logger } from '../logger.js';
import { User } from '../models/index.js';
import type { LoginRequest, RegisterRequest, TokenPair } from '../schemas/auth.js';
import type { UserOut } from '../schemas/user.js';
import { createAccount, matchesIgnoringCase, toUserOut } from './user-service.js';

/** The one answer for every failed login, so attackers learn nothing about which part was wrong. */
const BAD_CREDENTIALS = 'Invalid username or password.';

/**
 * Creates a shopper account (role customer), by the same function and rules
 * as staff creating one (createAccount): 422 when a field breaks its rule,
 * then 409 when a name looks like another account's.
 */
export async function register(input: RegisterRequest): Promise<UserOut> {
  return toUserOut(await createAccount({ ...input, role: 'customer', is_active: true }));
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
 * Checks credentials (username or e-mail, any case, NFKC) and starts a
 * login. Unknown user, wrong password and inactive user get the same 401
 * after the same bcrypt work. Failures are counted per (account, client
 * address) and per account (auth/rate-limits.ts); past a limit, 429.
 */
export async function login(input: LoginRequest, ip: string): Promise<TokenPair> {
  const name = input.username.normalize('NFKC');
  const field = name.includes('@') ? 'email' : 'username';
  const found = await User.findOne({ where: matchesIgnoringCase(field, name) });
  const user = await attemptLogin(found, input.username, input.password, ip, (account) => account.is_active);
  if (!user) throw new UnauthorizedError(BAD_CREDENTIALS);

  const familyId = randomUUID();
  const refresh = signToken('refresh', user.id, familyId);
  // The caller's row is cached now, so the requests this login makes next find it in Redis.
  await Promise.all([startFamily(user.id, familyId, refresh.jti), loadCaller(user.id).catch(() => null)]);
  return tokenPair(user.id, familyId, refresh.token);
}

/**
 * Exchanges a refresh token for a new pair. Each refresh token works once,
 * with a short grace: presented again within REFRESH_REUSE_GRACE_SECONDS of
 * its exchange (parallel tabs, a retried request), it gets the same new
 * refresh token and a fresh access token. Presenting it later, or after its
 * successor was exchanged too, ends the whole login (reuse detection), so a
 * thief and the victim both have to log in again.
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
  const next = newRefreshIdentity();
  const rotation = await rotateRefresh(userId, claims.fam, claims.jti, next);
  if (rotation.outcome === 'reused') {
    logger.warn({ user_id: userId, family: claims.fam }, 'refresh token reuse detected: login revoked');
    throw new UnauthorizedError('This refresh token was already used; the login has been ended. Log in again.');
  }
  if (rotation.outcome === 'unknown') throw new UnauthorizedError('The refresh token is invalid or expired.');
  if (rotation.outcome !== 'repeated') return tokenPair(userId, claims.fam, signRefreshToken(userId, claims.fam, next));
  const { successor } = rotation;
  return {
    ...tokenPair(userId, claims.fam, signRefreshToken(userId, claims.fam, successor)),
    // A repeated answer's refresh token was issued a few seconds ago.
    refresh_expires_in: Math.max(0, successor.exp - Math.floor(Date.now() / 1000)),
  };
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
