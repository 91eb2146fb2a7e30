/**
 * The shop always keeps an active admin. PostgreSQL enforces it for every
 * writer (trigger users_an_active_admin_remains, migration 20261203000050);
 * this module turns its refusal into words, and holds the panel's own extra
 * step: an admin removing their own admin access must confirm it.
 */
import { BaseError } from 'sequelize';
import { ConflictError } from '../errors.js';

/** The SQLSTATE the trigger raises when no active admin would remain. */
export const LAST_ACTIVE_ADMIN_SQLSTATE = 'P0A01';

/** 409: the change would leave the shop without an active admin. */
export class LastActiveAdminError extends ConflictError {
  constructor(readonly lastAdmin: string) {
    super(`At least one active admin must remain: ${lastAdmin} is the last one.`);
  }
}

/**
 * The trigger's refusal as a LastActiveAdminError, from a Sequelize error
 * (its `parent` is pg's) or a pg error itself; undefined for anything else.
 */
export function lastActiveAdminRefusal(error: unknown): LastActiveAdminError | undefined {
  if (error instanceof LastActiveAdminError) return error;
  const database = (error instanceof BaseError ? (error as { parent?: unknown }).parent : error) as
    { code?: unknown; detail?: unknown } | undefined;
  if (database?.code !== LAST_ACTIVE_ADMIN_SQLSTATE) return undefined;
  return new LastActiveAdminError(typeof database.detail === 'string' ? database.detail : 'this account');
}

/** What decides staff access: the account's role and whether it is active. */
export interface StaffStanding {
  role: string;
  is_active: boolean;
}

/** True when an account in this standing may use the staff panel. */
export const isActiveAdmin = (account: StaffStanding): boolean => account.role === 'admin' && account.is_active;

/** The panel's form field by which an admin confirms removing their own admin access (never stored). */
export const OWN_DEMOTION_CONFIRMATION = 'confirm_own_demotion';

/** What the confirmation checkbox says. */
export const OWN_DEMOTION_LABEL = 'Yes, remove my own admin access — I will be signed out';

/** Why a save of one's own account was refused without the confirmation. */
export const OWN_DEMOTION_REFUSED =
  'This would remove your own admin access and sign you out: tick "Yes, remove my own admin access" to go ahead.';

/**
 * True when `actorId` changing account `accountId` from `before` to `after`
 * takes away the actor's own staff access: a change that must be confirmed.
 */
export const removesOwnAdminAccess = (
  actorId: number,
  accountId: number,
  before: StaffStanding,
  after: StaffStanding,
): boolean => actorId === accountId && isActiveAdmin(before) && !isActiveAdmin(after);
