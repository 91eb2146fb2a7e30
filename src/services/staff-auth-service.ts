/** Who may use the admin panel: active users whose role is admin. */
import { fn, col, where } from 'sequelize';
import { verifyPassword } from '../auth/passwords.js';
import { User } from '../models/index.js';

/** The staff member stored in the admin session (AdminJS's CurrentAdmin). */
export interface StaffMember {
  id: string;
  email: string;
  title: string;
}

/**
 * Checks staff credentials for the admin panel. Returns null for an unknown
 * email, a wrong password, a customer or an inactive account, always after a
 * full bcrypt compare so none of these can be told apart.
 */
export async function authenticateStaff(email: unknown, password: unknown): Promise<StaffMember | null> {
  if (typeof email !== 'string' || typeof password !== 'string' || email.length > 255 || password.length > 200) {
    await verifyPassword('', null);
    return null;
  }
  const user = await User.findOne({ where: where(fn('lower', col('email')), email.trim().toLowerCase()) });
  const passwordOk = await verifyPassword(password, user?.password_hash);
  if (!user || !passwordOk || user.role !== 'admin' || !user.is_active) return null;
  return { id: String(user.id), email: user.email, title: user.username };
}
