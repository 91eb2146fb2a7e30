import type { Email, Password, Phone, Username } from './user.js';

/** A new shopper account. Any other field (e.g. `role`) is refused with 422. */
export interface RegisterRequest {
  username: Username;
  email: Email;
  password: Password;
  phone?: Phone;
}

/**
 * Credentials. `username` may also be the account's e-mail address. Sent as
 * JSON, or as an OAuth2 password-grant form (`application/x-www-form-urlencoded`,
 * as Swagger UI's Authorize button does); the form's `grant_type`, `scope`,
 * `client_id` and `client_secret` are accepted and ignored.
 */
export interface LoginRequest {
  /**
   * Username or e-mail address.
   * @minLength 1 is required
   * @maxLength 255 must be at most 255 characters
   * @example "ada_l"
   */
  username: string;
  /**
   * @minLength 1 is required
   * @maxLength 200 must be at most 200 characters
   * @example "correct-horse-battery"
   */
  password: string;
  /** OAuth2 form only: must be "password" when sent. */
  grant_type?: 'password';
  /**
   * OAuth2 form only: ignored. Space-separated scope names (RFC 6749 §3.3).
   * @maxLength 255 must be at most 255 characters
   * @pattern ^[\x20\x21\x23-\x5B\x5D-\x7E]*$ must be space-separated printable ASCII words without quotes or backslashes
   * @example "admin"
   */
  scope?: string;
  /**
   * OAuth2 form only: ignored. Printable ASCII (RFC 6749 Appendix A.1); Swagger UI sends it empty.
   * @maxLength 255 must be at most 255 characters
   * @pattern ^[\x20-\x7E]*$ must be printable ASCII
   * @example ""
   */
  client_id?: string;
  /**
   * OAuth2 form only: ignored. Printable ASCII (RFC 6749 Appendix A.2).
   * @maxLength 255 must be at most 255 characters
   * @pattern ^[\x20-\x7E]*$ must be printable ASCII
   * @example ""
   */
  client_secret?: string;
}

/** A new access + refresh token pair. */
export interface TokenPair {
  /**
   * Send as `Authorization: Bearer <access_token>`. A JSON Web Token (HS256, three base64url parts):
   * a few ids and times plus the configured issuer and audience, far below 4096 characters.
   * @maxLength 4096
   * @pattern ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$
   * @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl"
   */
  access_token: string;
  /**
   * Exchange once at POST /api/v1/auth/refresh for a new pair. A JSON Web Token as `access_token` is,
   * so it fits the 4096 characters that endpoint accepts.
   * @maxLength 4096
   * @pattern ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$
   * @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl"
   */
  refresh_token: string;
  token_type: 'bearer';
  /**
   * Seconds the access token is valid: ACCESS_TOKEN_TTL_SECONDS, 60 to 86400 (900 by default).
   * @isInt
   * @minimum 60
   * @maximum 86400
   * @example 900
   */
  expires_in: number;
  /**
   * Seconds the refresh token is valid: REFRESH_TOKEN_TTL_SECONDS, at most 7776000 (604800 by default);
   * less when a refresh is answered again within the grace period.
   * @isInt
   * @minimum 0
   * @maximum 7776000
   * @example 604800
   */
  refresh_expires_in: number;
}

/** A refresh token to exchange for a new pair. */
export interface RefreshRequest {
  /**
   * The `refresh_token` of a pair. One the server did not sign, or that is expired or used up, is a 401.
   * @maxLength 4096 must be at most 4096 characters
   * @pattern ^[A-Za-z0-9_.-]*$ must be a token: letters, digits, dots, dashes and underscores
   * @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl"
   */
  refresh_token: string;
}

/** Optionally, the refresh token of this login, so it is revoked too (it is anyway when it belongs to the same login). */
export interface LogoutRequest {
  /**
   * @maxLength 4096 must be at most 4096 characters
   * @pattern ^[A-Za-z0-9_.-]*$ must be a token: letters, digits, dots, dashes and underscores
   * @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl"
   */
  refresh_token?: string;
}
