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
   */
  username: string;
  /**
   * @minLength 1 is required
   * @maxLength 200 must be at most 200 characters
   */
  password: string;
  /** OAuth2 form only: must be "password" when sent. */
  grant_type?: 'password';
  /** OAuth2 form only: ignored. */
  scope?: string;
  /** OAuth2 form only: ignored. */
  client_id?: string;
  /** OAuth2 form only: ignored. */
  client_secret?: string;
}

/** A new access + refresh token pair. */
export interface TokenPair {
  /** Send as `Authorization: Bearer <access_token>`. */
  access_token: string;
  /** Exchange once at POST /api/v1/auth/refresh for a new pair. */
  refresh_token: string;
  token_type: 'bearer';
  /** Seconds the access token is valid (900 by default). */
  expires_in: number;
  /** Seconds the refresh token is valid (604800 by default). */
  refresh_expires_in: number;
}

/** A refresh token to exchange for a new pair. */
export interface RefreshRequest {
  /** @maxLength 4096 must be at most 4096 characters */
  refresh_token: string;
}

/** Optionally, the refresh token of this login, so it is revoked too (it is anyway when it belongs to the same login). */
export interface LogoutRequest {
  /** @maxLength 4096 must be at most 4096 characters */
  refresh_token?: string;
}
