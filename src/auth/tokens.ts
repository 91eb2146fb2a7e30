/**
 * JSON Web Tokens: HS256 only (pinned on verify), with `sub`, `jti`, `typ`,
 * `fam`, `iat`, `exp`, `iss` and `aud` all required and checked. An access
 * token is never accepted where a refresh token is expected, or the other way
 * round.
 */
import { createHmac, createSecretKey, randomUUID, timingSafeEqual } from 'node:crypto';
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
  // Signed here, so valid: the token's first request need not check the signature again.
  if (config.fastPaths['jwt-verifier']) remember(token, decodeSegment(token.split('.')[1]!)!);
  return { token, jti, expiresIn };
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Three non-empty base64url segments: header.payload.signature. */
const JWS_COMPACT = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/** A base64url segment's JSON object, or undefined. */
function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The HS256 signature of `signingInput` (base64url), as `jwt.sign` makes it. */
const signatureOf = (signingInput: string): string =>
  createHmac('sha256', KEY).update(signingInput).digest('base64url');

/**
 * Payloads of access tokens signed or verified recently, by the exact token
 * text. A client sends the same access token with every request of a
 * session, so the HMAC and both JSON decodes are done once per token (not at
 * all for tokens this process signed), not once per request. Only the
 * signature check is remembered: expiry, claims and revocation are checked
 * on every use. Bounded; the oldest go first.
 */
const verified = new Map<string, Record<string, unknown>>();
const VERIFIED_MAX = 10_000;

/** Remembers a valid token's payload (see `verified`). */
function remember(token: string, payload: Record<string, unknown>): void {
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
  verified.set(token, payload);
}

/** verifiedPayload, remembered for valid tokens (see `verified`). */
function rememberedPayload(token: string): Record<string, unknown> | undefined {
  const known = verified.get(token);
  if (known) return known;
  const payload = verifiedPayload(token);
  if (payload) remember(token, payload);
  return payload;
}

/**
 * Checks a compact JWS: the header says exactly HS256 (no other algorithm,
 * no `none`) and the signature matches, compared in constant time. Returns
 * the payload, or undefined.
 *
 * Tokens are signed with jsonwebtoken; this verifier does what its `verify`
 * does for our tokens at a fraction of the cost (it decodes every token
 * twice), which matters because it runs on every authenticated request.
 */
function verifiedPayload(token: string): Record<string, unknown> | undefined {
  const parts = JWS_COMPACT.exec(token);
  if (!parts) return undefined;
  const [, header, payload, signature] = parts as unknown as [string, string, string, string];
  if (decodeSegment(header)?.alg !== ALGORITHM) return undefined;
  const expected = Buffer.from(signatureOf(`${header}.${payload}`));
  const offered = Buffer.from(signature);
  if (offered.length !== expected.length || !timingSafeEqual(offered, expected)) return undefined;
  return decodeSegment(payload);
}

/** The payload as jsonwebtoken's own verify checks it (FAST_PATHS_OFF=jwt-verifier): HS256 pinned, signature, exp, nbf. */
function libraryPayload(token: string): Record<string, unknown> | undefined {
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
  const claims = config.fastPaths['jwt-verifier'] ? rememberedPayload(token) : libraryPayload(token);
  if (!claims) return null;
  const { sub, jti, typ, fam, iat, exp, nbf, iss, aud } = claims;
  const now = Math.floor(Date.now() / 1000);
  if (typeof exp !== 'number' || now >= exp) return null;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) return null;
  if (iss !== config.auth.issuer || !audienceMatches(aud)) return null;
  if (typ !== expected || !isText(sub) || !/^\d+$/.test(sub) || !isText(jti) || !isText(fam)) return null;
  if (typeof iat !== 'number' || iat > now + MAX_CLOCK_SKEW_SECONDS) return null;
  return { sub, jti, typ: expected, fam, iat, exp };
}
