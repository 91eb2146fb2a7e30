import type { Id, Timestamp } from './common.js';
import type { UserRole } from '../rules.js';

/**
 * A login name: after NFKC normalisation (fullwidth `ａｄａ` is `ada`, `ﬁ` is
 * `fi`), 3 to 50 ASCII letters, digits, dots, dashes or underscores; stored
 * normalised. Taken when it looks like another account's: in any case, or
 * with look-alike characters (Unicode TR39 skeletons: `I`, `l`, `i` and `1`;
 * `0` and `O`; `rn` and `m`). The pattern here only refuses spaces; the
 * rest is checked after normalisation (the rule: USERNAME in src/rules.ts).
 * @maxLength 50 Username must be 3 to 50 letters, digits, dots, dashes or underscores
 * @pattern ^\S+$ Username must be 3 to 50 letters, digits, dots, dashes or underscores
 * @example "ada_l"
 */
export type Username = string;

/**
 * An e-mail address, NFKC-normalised before it is checked and stored
 * (fullwidth `＠` and `．` count as `@` and `.`). Taken when it looks like
 * another account's: in any case, or with look-alike characters (a Cyrillic
 * `а` for `a`). The rule: EMAIL in src/rules.ts.
 * @maxLength 255 E-mail must be an address such as name@example.com, at most 255 characters
 * @pattern ^[^\s@\uFE6B\uFF20]+[@\uFE6B\uFF20][^\s@\uFE6B\uFF20]+[.\u2024\uFE52\uFF0E][^\s@\uFE6B\uFF20]+$ E-mail must be an address such as name@example.com, at most 255 characters
 * @example "ada@example.com"
 */
export type Email = string;

/**
 * A password: at least 8 characters and at most 72 bytes in UTF-8 (bcrypt
 * ignores anything beyond 72 bytes, so longer ones are refused rather than
 * silently cut). The rule: PASSWORD in src/rules.ts.
 * @minLength 8 Password must be at least 8 characters and at most 72 bytes
 * @maxLength 72 Password must be at least 8 characters and at most 72 bytes
 * @example "correct-horse-battery"
 */
export type Password = string;

/**
 * A phone number: digits, spaces, parentheses, dashes and an optional leading +.
 * The rule: PHONE in src/rules.ts.
 * @minLength 5 Phone must be 5 to 32 digits, spaces, parentheses or dashes, with an optional leading +
 * @maxLength 32 Phone must be 5 to 32 digits, spaces, parentheses or dashes, with an optional leading +
 * @pattern ^\+?[0-9\x20()-]+$ Phone must be 5 to 32 digits, spaces, parentheses or dashes, with an optional leading +
 * @example "+1 555 0100"
 */
export type Phone = string;

/** What the shop knows about an account. Never includes the password or its hash. */
export interface UserOut {
  id: Id;
  /**
   * As stored: NFKC-normalised and kept by the rule USERNAME in src/rules.ts.
   * @maxLength 50
   * @pattern ^[A-Za-z0-9_.-]{3,50}$
   * @example "ada_l"
   */
  username: string;
  /**
   * As stored: NFKC-normalised and kept by the rule EMAIL in src/rules.ts
   * (validator.js's isEmail, which also takes quoted local parts such as
   * `"ada lovelace"@example.com`; the pattern states only what every such
   * address has).
   * @maxLength 255
   * @pattern ^[\s\S]+@[^@]+\.[^@]+$
   * @example "ada@example.com"
   */
  email: string;
  /**
   * The rule PHONE in src/rules.ts.
   * @minLength 5
   * @maxLength 32
   * @pattern ^\+?[0-9\x20()-]+$
   * @example "+1 555 0100"
   */
  phone: string | null;
  role: UserRole;
  is_active: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Changes to the caller's own account. Send only the fields to change; `phone: null` removes the phone number. */
export interface UpdateMeRequest {
  email?: Email;
  // Not `Phone | null`: tsoa would answer a bad number with its union message instead of the rule's.
  /**
   * A phone number as in registration, or null to remove it.
   * @minLength 5 Phone must be 5 to 32 digits, spaces, parentheses or dashes, with an optional leading +
   * @maxLength 32 Phone must be 5 to 32 digits, spaces, parentheses or dashes, with an optional leading +
   * @pattern ^\+?[0-9\x20()-]+$ Phone must be 5 to 32 digits, spaces, parentheses or dashes, with an optional leading +
   * @example "+1 555 0100"
   */
  phone?: string | null;
}

/** A password change. Other logins of the account are ended; this one stays. */
export interface ChangePasswordRequest {
  /**
   * The account's password now. Every password keeps the PASSWORD rule (at
   * most 72 bytes, so at most 72 characters): a longer one cannot be it, and
   * is refused before any hash is compared.
   * @minLength 1 is required
   * @maxLength 72 must be at most 72 characters
   * @example "correct-horse-battery"
   */
  current_password: string;
  new_password: Password;
}
