/**
 * A login name: after NFKC normalisation (fullwidth `ａｄａ` is `ada`, `ﬁ` is
 * `fi`), 3 to 50 ASCII letters, digits, dots, dashes or underscores; stored
 * normalised. Taken when it looks like another account's: in any case, or
 * with look-alike characters (Unicode TR39 skeletons: `I`, `l`, `i` and `1`;
 * `0` and `O`; `rn` and `m`). The pattern here only refuses spaces; the
 * rest is checked after normalisation.
 * @maxLength 50 must be at most 50 characters
 * @pattern ^\S+$
 * @example "ada_l"
 */
export type Username = string;

/**
 * An e-mail address, NFKC-normalised before it is checked and stored
 * (fullwidth `＠` and `．` count as `@` and `.`). Taken when it looks like
 * another account's: in any case, or with look-alike characters (a Cyrillic
 * `а` for `a`).
 * @maxLength 255 must be at most 255 characters
 * @pattern ^[^\s@\uFE6B\uFF20]+[@\uFE6B\uFF20][^\s@\uFE6B\uFF20]+[.\u2024\uFE52\uFF0E][^\s@\uFE6B\uFF20]+$
 * @example "ada@example.com"
 */
export type Email = string;

/**
 * A password: at least 8 characters and at most 72 bytes in UTF-8 (bcrypt
 * ignores anything beyond 72 bytes, so longer ones are refused rather than
 * silently cut).
 * @minLength 8 must be at least 8 characters
 * @maxLength 72 must be at most 72 bytes
 * @example "correct-horse-battery"
 */
export type Password = string;

/**
 * A phone number: digits, spaces, parentheses, dashes and an optional leading +.
 * @minLength 5 must be at least 5 characters
 * @maxLength 32 must be at most 32 characters
 * @pattern ^\+?[0-9\x20()-]+$
 * @example "+1 555 0100"
 */
export type Phone = string;

/** What the shop knows about an account. Never includes the password or its hash. */
export interface UserOut {
  id: number;
  username: string;
  email: string;
  phone: string | null;
  /** "customer" for shoppers, "admin" for staff. */
  role: 'customer' | 'admin';
  is_active: boolean;
  /** ISO 8601 UTC. */
  created_at: Date;
  /** ISO 8601 UTC. */
  updated_at: Date;
}

/** Changes to the caller's own account. Send only the fields to change; `phone: null` removes the phone number. */
export interface UpdateMeRequest {
  email?: Email;
  /**
   * A phone number as in registration, or null to remove it.
   * @minLength 5 must be at least 5 characters
   * @maxLength 32 must be at most 32 characters
   * @pattern ^\+?[0-9\x20()-]+$
   * @example "+1 555 0100"
   */
  phone?: string | null;
}

/** A password change. Other logins of the account are ended; this one stays. */
export interface ChangePasswordRequest {
  current_password: string;
  new_password: Password;
}
