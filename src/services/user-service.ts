/**
 * Accounts: the one way one is created (registration and the staff panel
 * alike), staff changes to one, and the shopper's own profile and password.
 */
import { Op, type Transaction, UniqueConstraintError, col, fn, where } from 'sequelize';
import type { AuthenticatedUser } from '../auth/authentication.js';
import { assertPasswordFits, hashPassword } from '../auth/passwords.js';
import { attemptLogin } from '../auth/login-attempts.js';
import { revokeOtherFamilies } from '../auth/sessions.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { User } from '../models/index.js';
import { PASSWORD, type UserRole } from '../rules.js';
import type { FieldError } from '../schemas/problem.js';
import type { ChangePasswordRequest, UpdateMeRequest, UserOut } from '../schemas/user.js';
import { type RecordChange, assertValid, lockedRow, only, snapshot } from './record-changes.js';

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

/** 409: a name looks like another account's. `field` says which, for forms that show it beside the field. */
export class NameTakenError extends ConflictError {
  constructor(readonly field: NameField) {
    super(TAKEN[field]);
  }
}

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
  if (taken) throw new NameTakenError(taken);
}

/**
 * The name a refusal is about (a NameTakenError, or a unique violation on
 * users), with what to tell the caller; undefined for any other error.
 */
export function takenName(error: unknown): { field: NameField; message: string } | undefined {
  if (error instanceof NameTakenError) return { field: error.field, message: error.message };
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
  return taken && !(error instanceof NameTakenError) ? new NameTakenError(taken.field) : error;
}

/** A new account's details, from registration or the staff panel. */
export interface NewAccount {
  username: string;
  email: string;
  /** In plain text; only its bcrypt hash is stored. */
  password: string;
  phone?: string | null;
  role?: UserRole;
  is_active?: boolean;
}

/** The PASSWORD rule's refusal of `password` on `field`, if any. */
const passwordProblems = (password: unknown, field = 'password'): FieldError[] =>
  PASSWORD.accepts(password) ? [] : [{ field, message: PASSWORD.message }];

/**
 * Creates an account, for registration and staff alike. Names are
 * NFKC-normalised by the model; 422 with every field the rules refuse
 * (src/rules.ts), then 409 when a name looks like another account's (in
 * any case, or with look-alike characters). The password is hashed last:
 * bcrypt is the slow part, and a refused request needs none.
 */
export async function createAccount(input: NewAccount, transaction?: Transaction): Promise<User> {
  const user = User.build({
    username: input.username,
    email: input.email,
    phone: input.phone ?? null,
    password_hash: '',
    role: input.role ?? 'customer',
    is_active: input.is_active ?? true,
  });
  await assertValid(user, passwordProblems(input.password), ['password_hash']);
  await assertNamesFree({ username: user.username, email: user.email });
  user.password_hash = await hashPassword(input.password);
  try {
    return await user.save({ transaction });
  } catch (error) {
    throw takenConflict(error);
  }
}

/** What staff may change on an account; a `password` given is a reset (hashed, never stored as typed). */
export type AccountChanges = Partial<NewAccount>;

/** The account columns staff set (the hash only through `password`). */
const ACCOUNT_FIELDS = ['username', 'email', 'phone', 'role', 'is_active'] as const;

/**
 * A staff change to an account, in `transaction`: the same rules as
 * registration, then 409 when a changed name looks like another account's.
 * Ending the account's logins (deactivated, demoted, password reset) is the
 * caller's, once the change is committed.
 */
export async function updateAccount(
  userId: number,
  changes: AccountChanges,
  transaction: Transaction,
): Promise<RecordChange> {
  const user = await lockedRow(User, userId, transaction, 'Account');
  const before = snapshot(user);
  const { password } = changes;
  user.set(only(changes, ACCOUNT_FIELDS));
  await assertValid(user, password === undefined ? [] : passwordProblems(password));
  await assertNamesFree(
    {
      ...(user.changed('username') ? { username: user.username } : {}),
      ...(user.changed('email') ? { email: user.email } : {}),
    },
    userId,
  );
  if (password !== undefined) user.password_hash = await hashPassword(password);
  try {
    await user.save({ transaction });
  } catch (error) {
    throw takenConflict(error);
  }
  await user.reload({ transaction });
  return { before, after: snapshot(user) };
}

/** Deletes an account in `transaction` (refused by the database while orders or reviews point at it). */
export async function removeAccount(userId: number, transaction: Transaction): Promise<RecordChange> {
  const user = await lockedRow(User, userId, transaction, 'Account');
  const before = snapshot(user);
  await user.destroy({ transaction });
  return { before, after: null };
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
