/**
 * JSON Web Tokens: HS256 only (pinned on verify), with `sub`, `jti`, `typ`,
 * `fam`, `iat`, `exp`, `iss` and `aud` all required and checked. An access
 * token is never accepted where a refresh token is expected, or the other way
 * round.
 */
import { createSecretKey, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { config } from '../config.js';
import { MAX_INTEGER } from '../rules.js';

/** Which of the two tokens a JWT is. */
export type TokenType = 'access' | 'refresh';

/** The verified claims Emporium relies on. */
export interface TokenClaims {
  /** The user id. */
  sub: string;
  /** Unique id of this token (blacklist key for access tokens, rotation id for refresh tokens). */
  jti: string;
  typ: TokenType;
  /** The login ("token family") this token belongs to. */
  fam: string;
  iat: number;
  exp: number;
}

/** A freshly signed token and its id. */
export interface SignedToken {
  token: string;
  jti: string;
  expiresIn: number;
}

const ALGORITHM = 'HS256';

/**
 * How far a token's `iat` may lie ahead of this clock. Instances' clocks
 * differ by seconds, not minutes: a token issued later than that was not
 * signed by a healthy instance (a forgery with a leaked key, or a host with
 * a wrong clock), and accepting it would let it live longer than its TTL.
 */
const MAX_CLOCK_SKEW_SECONDS = 30;

// A KeyObject, made once: given a string, jsonwebtoken first tries to parse it as a PEM public
// or private key on every sign and verify (a thrown exception each time, the bulk of its cost).
const KEY = createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8'));

/**
 * The claims that, with the user and the login, make a refresh token. Signing
 * is deterministic (HS256 over a payload built in a fixed order), so the same
 * identity always gives the same token text: the refresh grace period answers
 * a repeated refresh with the successor re-created from these three values,
 * and the token itself is never stored.
 */
export interface RefreshIdentity {
  jti: string;
  iat: number;
  exp: number;
}

/** A fresh identity for a refresh token issued now. */
export function newRefreshIdentity(): RefreshIdentity {
  const iat = Math.floor(Date.now() / 1000);
  return { jti: randomUUID(), iat, exp: iat + config.auth.refreshTtlSeconds };
}

/** Signs exactly these claims (no clock, no options that add fields): same claims, same token. */
const signClaims = ({ sub, jti, typ, fam, iat, exp }: TokenClaims): string =>
  jwt.sign({ sub, jti, typ, fam, iat, exp, iss: config.auth.issuer, aud: config.auth.audience }, KEY, {
    algorithm: ALGORITHM,
  });

/** The refresh token of user `userId` in login `familyId` with identity `id` (the same text every time). */
export const signRefreshToken = (userId: number, familyId: string, { jti, iat, exp }: RefreshIdentity): string =>
  signClaims({ sub: String(userId), jti, typ: 'refresh', fam: familyId, iat, exp });

/** Signs a token of `typ` for user `userId` in login `familyId`. */
export function signToken(typ: TokenType, userId: number, familyId: string): SignedToken {
  if (typ === 'refresh') {
    const id = newRefreshIdentity();
    return { token: signRefreshToken(userId, familyId, id), jti: id.jti, expiresIn: id.exp - id.iat };
  }
  const jti = randomUUID();
  const iat = Math.floor(Date.now() / 1000);
  const expiresIn = config.auth.accessTtlSeconds;
  const token = signClaims({ sub: String(userId), jti, typ, fam: familyId, iat, exp: iat + expiresIn });
  return { token, jti, expiresIn };
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** A `sub` that can be a user's id: a database id (1 to MAX_INTEGER) in decimal, nothing else. */
const isUserId = (value: unknown): value is string =>
  typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value) && Number(value) <= MAX_INTEGER;

/** The payload as jsonwebtoken's verify checks it: HS256 pinned, signature, exp, nbf; undefined when invalid. */
function verifiedPayload(token: string): Record<string, unknown> | undefined {
  try {
    const payload = jwt.verify(token, KEY, { algorithms: [ALGORITHM] });
    return typeof payload === 'object' ? payload : undefined;
  } catch {
    return undefined;
  }
}

const audienceMatches = (aud: unknown): boolean =>
  aud === config.auth.audience || (Array.isArray(aud) && aud.includes(config.auth.audience));

/**
 * Verifies signature, algorithm, issuer, audience and expiry, then that the
 * token is of the `expected` type and carries every claim. Returns null for
 * anything that is not a valid token of that type (the reason does not
 * matter to the caller: it is always "invalid token").
 */
export function verifyToken(token: string, expected: TokenType): TokenClaims | null {
  const claims = verifiedPayload(token);
  if (!claims) return null;
  const { sub, jti, typ, fam, iat, exp, nbf, iss, aud } = claims;
  const now = Math.floor(Date.now() / 1000);
  if (typeof exp !== 'number' || now >= exp) return null;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) return null;
  if (iss !== config.auth.issuer || !audienceMatches(aud)) return null;
  if (typ !== expected || !isUserId(sub) || !isText(jti) || !isText(fam)) return null;
  if (typeof iat !== 'number' || iat > now + MAX_CLOCK_SKEW_SECONDS) return null;
  return { sub, jti, typ: expected, fam, iat, exp };
}
