/**
 * One password check as a login attempt, the same for every door (API
 * login, the admin panel's login, a password change): refused with 429
 * while its budgets are used up (rate-limits.ts), a full bcrypt compare
 * whether or not the account exists, and the outcome counted.
 */
import { verifyPassword } from './passwords.js';
import { assertLoginAllowed, loginAttempt, recordLoginFailure, recordLoginSuccess } from './rate-limits.js';

/** The account a login name resolved to: what the check needs of it. */
export interface Credentials {
  id: number;
  password_hash: string;
}

/**
 * Checks `password` for `account` (null when `login` named no one) from
 * client address `ip`. `admitted` says whether the account may use this
 * door at all (active, staff…); a refusal there counts as a failed login,
 * exactly like a wrong password, so the answer reveals nothing. Returns the
 * account when everything matched, null otherwise.
 */
export async function attemptLogin<T extends Credentials>(
  account: T | null,
  login: string,
  password: string,
  ip: string | undefined,
  admitted: (account: T) => boolean = () => true,
): Promise<T | null> {
  const attempt = loginAttempt(account?.id, login, ip);
  await assertLoginAllowed(attempt);
  const matched = await verifyPassword(password, account?.password_hash);
  if (!account || !matched || !admitted(account)) {
    await recordLoginFailure(attempt);
    return null;
  }
  await recordLoginSuccess(attempt);
  return account;
}
