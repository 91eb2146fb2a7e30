/**
 * Staff accounts from the command line (scripts/staff.ts): who the active
 * admins are, and giving admin access back to an account when a shop's
 * staff lost it. The rule that one active admin always remains is in
 * staff-guard.ts (and PostgreSQL).
 */
import { sequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import { User } from '../models/index.js';
import { changesBetween, recordAdminAction } from './audit-service.js';
import { isActiveAdmin } from './staff-guard.js';
import { matchesIgnoringCase } from './user-service.js';

/** What `restoreAdminAccess` found and did. */
export interface RestoredAdmin {
  id: number;
  email: string;
  /** False when the account already was an active admin (nothing written). */
  changed: boolean;
}

/**
 * Makes the account with this e-mail (any case) an active admin: the
 * recovery path for a shop whose staff lost access (`npm run staff --
 * promote <email>`). Audited as an edit by the system, with the reason.
 */
export async function restoreAdminAccess(email: string, reason: string): Promise<RestoredAdmin> {
  return sequelize.transaction(async (transaction) => {
    const user = await User.findOne({
      where: matchesIgnoringCase('email', email),
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    if (!user) throw new NotFoundError(`No account has the e-mail address ${email}.`);
    const before = { role: user.role, is_active: user.is_active };
    if (isActiveAdmin(before)) return { id: user.id, email: user.email, changed: false };
    const after = { role: 'admin' as const, is_active: true };
    await user.update(after, { transaction });
    await recordAdminAction(
      {
        adminId: null,
        action: 'edit',
        targetType: 'users',
        targetId: user.id,
        changes: changesBetween(before, after),
        reason,
      },
      transaction,
    );
    return { id: user.id, email: user.email, changed: true };
  });
}

/** The active admins' e-mail addresses, oldest account first. */
export async function activeAdmins(): Promise<string[]> {
  const rows = await User.findAll({
    attributes: ['email'],
    where: { role: 'admin', is_active: true },
    order: [['id', 'ASC']],
    raw: true,
  });
  return rows.map((row) => row.email);
}
