/**
 * JSON Web Tokens: HS256 only (pinned on verify), with `sub`, `jti`, `typ`,
 * `fam`, `iat`, `exp`, `iss` and `aud` all required and checked. An access
 * token is never accepted where a refresh token is expected, or the other way
 * round.
 */
import { createSecretKey, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { config } from '../config.js';

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

// A KeyObject, made once: given a string, jsonwebtoken first tries to parse it as a PEM public
// or private key on every sign and verify (a thrown exception each time, the bulk of its cost).
const KEY = createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8'));

/** Signs a token of `typ` for user `userId` in login `familyId`. */
export function signToken(typ: TokenType, userId: number, familyId: string): SignedToken {
  const jti = randomUUID();
  const expiresIn = typ === 'access' ? config.auth.accessTtlSeconds : config.auth.refreshTtlSeconds;
  const token = jwt.sign({ typ, fam: familyId }, KEY, {
    algorithm: ALGORITHM,
    subject: String(userId),
    jwtid: jti,
    expiresIn,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
  });
  return { token, jti, expiresIn };
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * Verifies signature, algorithm, issuer, audience and expiry, then that the
 * token is of the `expected` type and carries every claim. Returns null for
 * anything that is not a valid token of that type (the reason does not
 * matter to the caller: it is always "invalid token").
 */
export function verifyToken(token: string, expected: TokenType): TokenClaims | null {
  let payload: jwt.JwtPayload | string;
  try {
    payload = jwt.verify(token, KEY, {
      algorithms: [ALGORITHM],
      issuer: config.auth.issuer,
      audience: config.auth.audience,
    });
  } catch {
    return null;
  }
  if (typeof payload !== 'object') return null;
  const { sub, jti, typ, fam, iat, exp } = payload as Record<string, unknown>;
  if (typ !== expected || !isText(sub) || !/^\d+$/.test(sub) || !isText(jti) || !isText(fam)) return null;
  if (typeof iat !== 'number' || typeof exp !== 'number') return null;
  return { sub, jti, typ: expected, fam, iat, exp };
}
