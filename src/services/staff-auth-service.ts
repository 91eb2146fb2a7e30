/** Who may use the admin panel: active users whose role is admin. */
import { fn, col, where } from 'sequelize';
import { attemptLogin } from '../auth/login-attempts.js';
import { verifyPassword } from '../auth/passwords.js';
import { User } from '../models/index.js';
import { isActiveAdmin } from './staff-guard.js';

/** The staff member stored in the admin session (AdminJS's CurrentAdmin). */
export interface StaffMember {
  id: string;
  email: string;
  title: string;
}

/**
 * Checks staff credentials for the admin panel, from client address `ip`,
 * as a login attempt of the account (auth/login-attempts.ts: the same
 * budgets as the API's login, 429 past them). Returns null for an unknown
 * email, a wrong password, a customer or an inactive account, always after a
 * full bcrypt compare so none of these can be told apart.
 */
export async function authenticateStaff(
  email: unknown,
  password: unknown,
  ip: string | undefined,
): Promise<StaffMember | null> {
  if (typeof email !== 'string' || typeof password !== 'string' || email.length > 255 || password.length > 200) {
    await verifyPassword('', null);
    return null;
  }
  const found = await User.findOne({
    where: where(fn('lower', col('email')), email.normalize('NFKC').trim().toLowerCase()),
  });
  const user = await attemptLogin(found, email, password, ip, isActiveAdmin);
  return user && { id: String(user.id), email: user.email, title: user.username };
}
