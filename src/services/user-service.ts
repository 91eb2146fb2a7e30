/** The shopper's own account: profile and password. */
import { Op, UniqueConstraintError, col, fn, where } from 'sequelize';
import type { AuthenticatedUser } from '../auth/authentication.js';
import { assertPasswordFits, hashPassword, verifyPassword } from '../auth/passwords.js';
import { assertLoginAllowed, clearLoginFailures, recordLoginFailure } from '../auth/rate-limits.js';
import { revokeOtherFamilies } from '../auth/sessions.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { User } from '../models/index.js';
import type { ChangePasswordRequest, UpdateMeRequest, UserOut } from '../schemas/user.js';

type UserFields = Pick<
  User,
  'id' | 'username' | 'email' | 'phone' | 'role' | 'is_active' | 'created_at' | 'updated_at'
>;

/** The public view of an account: never the password hash. */
export function toUserOut(user: UserFields): UserOut {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    phone: user.phone,
    role: user.role,
    is_active: user.is_active,
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
}

/** Case-insensitive match on a column (the unique indexes are on lower()). */
export const matchesIgnoringCase = (column: 'username' | 'email', value: string) =>
  where(fn('lower', col(column)), value.toLowerCase());

/**
 * Turns a unique violation on users into a 409 naming the taken field; the
 * checks before an insert cannot see a concurrent one, the index can.
 */
export function takenConflict(error: unknown): unknown {
  if (!(error instanceof UniqueConstraintError)) return error;
  const constraint = (error.parent as { constraint?: string } | undefined)?.constraint ?? '';
  if (constraint.includes('username')) return new ConflictError('This username is taken.');
  if (constraint.includes('email')) return new ConflictError('This e-mail address is already registered.');
  return error;
}

/** Changes the caller's e-mail and/or phone. 409 if the e-mail belongs to another account. */
export async function updateMe(user: AuthenticatedUser, changes: UpdateMeRequest): Promise<UserOut> {
  const record = await User.findByPk(user.id);
  if (!record) throw new NotFoundError('This account no longer exists.');
  if (changes.email !== undefined && changes.email.toLowerCase() !== record.email.toLowerCase()) {
    const taken = await User.count({
      where: { [Op.and]: [matchesIgnoringCase('email', changes.email), { id: { [Op.ne]: user.id } }] },
    });
    if (taken > 0) throw new ConflictError('This e-mail address is already registered.');
  }
  if (changes.email !== undefined) record.email = changes.email;
  if (changes.phone !== undefined) record.phone = changes.phone;
  try {
    await record.save();
  } catch (error) {
    throw takenConflict(error);
  }
  return toUserOut(record);
}

/**
 * Changes the caller's password after checking the current one, then ends
 * every other login of the account (this one stays). Wrong current
 * passwords count as failed logins, so a stolen access token cannot be used
 * to guess the password.
 */
export async function changePassword(user: AuthenticatedUser, input: ChangePasswordRequest, ip: string): Promise<void> {
  await assertLoginAllowed(user.username, ip);
  assertPasswordFits(input.new_password, 'new_password');
  const record = await User.findByPk(user.id);
  if (!record) throw new NotFoundError('This account no longer exists.');
  if (!(await verifyPassword(input.current_password, record.password_hash))) {
    await recordLoginFailure(user.username, ip);
    throw new ValidationError([{ field: 'current_password', message: 'is not the current password' }]);
  }
  if (input.new_password === input.current_password) {
    throw new ValidationError([{ field: 'new_password', message: 'must differ from the current password' }]);
  }
  await clearLoginFailures(user.username, ip);
  record.password_hash = await hashPassword(input.new_password);
  await record.save();
  await revokeOtherFamilies(user.id, user.familyId);
}
