/** The shopper's own account: profile and password. */
import { Op, UniqueConstraintError, col, fn, where } from 'sequelize';
import type { AuthenticatedUser } from '../auth/authentication.js';
import { assertPasswordFits, hashPassword } from '../auth/passwords.js';
import { attemptLogin } from '../auth/login-attempts.js';
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

/** The two names an account is known by; each is unique regardless of case and of look-alike characters. */
export type NameField = 'username' | 'email';

/** What a taken name is told, by the API (409) and the admin panel alike. */
const TAKEN: Record<NameField, string> = {
  username: 'This username is taken.',
  email: 'This e-mail address is already registered.',
};

/** The unique indexes on users that keep names apart, and the name each one protects. */
const NAME_INDEXES = new Map<string, NameField>([
  ['users_username_lower_key', 'username'],
  ['users_username_skeleton_key', 'username'],
  ['users_email_lower_key', 'email'],
  ['users_email_skeleton_key', 'email'],
]);

/**
 * Rows whose name looks like `value`: the same account_skeleton() (a
 * database function, so that every writer's rows get the same skeletons),
 * which takes in case, NFKC forms and confusable characters.
 */
const looksLike = (field: NameField, value: string) => where(col(`${field}_skeleton`), fn('account_skeleton', value));

/**
 * 409 when a name (as the User model normalised it) looks like another
 * account's: the username first. `exceptUserId` is the account being changed.
 */
export async function assertNamesFree(names: Partial<Record<NameField, string>>, exceptUserId?: number): Promise<void> {
  const fields = (['username', 'email'] as const).filter((field) => names[field] !== undefined);
  const others = exceptUserId === undefined ? [] : [{ id: { [Op.ne]: exceptUserId } }];
  const counts = await Promise.all(
    fields.map((field) => User.count({ where: { [Op.and]: [looksLike(field, names[field]!), ...others] } })),
  );
  const taken = fields.find((_, index) => counts[index]! > 0);
  if (taken) throw new ConflictError(TAKEN[taken]);
}

/** The name a unique violation on users is about, with what to tell the caller; undefined for any other error. */
export function takenName(error: unknown): { field: NameField; message: string } | undefined {
  if (!(error instanceof UniqueConstraintError)) return undefined;
  const field = NAME_INDEXES.get((error.parent as { constraint?: string } | undefined)?.constraint ?? '');
  return field && { field, message: TAKEN[field] };
}

/**
 * Turns a unique violation on users into a 409 naming the taken field; the
 * checks before an insert cannot see a concurrent one, the indexes can.
 */
export function takenConflict(error: unknown): unknown {
  const taken = takenName(error);
  return taken ? new ConflictError(taken.message) : error;
}

/** Changes the caller's e-mail and/or phone. 409 if the e-mail (or a look-alike of it) belongs to another account. */
export async function updateMe(user: AuthenticatedUser, changes: UpdateMeRequest): Promise<UserOut> {
  const record = await User.findByPk(user.id);
  if (!record) throw new NotFoundError('This account no longer exists.');
  if (changes.email !== undefined) record.email = changes.email;
  if (changes.phone !== undefined) record.phone = changes.phone;
  // The field rules first (422), on the normalised address; then whether it is taken (409).
  await record.validate();
  if (record.changed('email')) await assertNamesFree({ email: record.email }, user.id);
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
  assertPasswordFits(input.new_password, 'new_password');
  const found = await User.findByPk(user.id);
  if (!found) throw new NotFoundError('This account no longer exists.');
  const record = await attemptLogin(found, user.username, input.current_password, ip);
  if (!record) throw new ValidationError([{ field: 'current_password', message: 'is not the current password' }]);
  if (input.new_password === input.current_password) {
    throw new ValidationError([{ field: 'new_password', message: 'must differ from the current password' }]);
  }
  record.password_hash = await hashPassword(input.new_password);
  await record.save();
  await revokeOtherFamilies(user.id, user.familyId);
}
