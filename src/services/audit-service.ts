/**
 * The audit trail of staff changes (admin_logs). Every change made in the
 * admin panel writes one row per record, inside the same transaction as the
 * change: if the row cannot be written, the change is not saved either.
 */
import type { Transaction } from 'sequelize';
import { AdminLog } from '../models/index.js';

/** One field's value before and after a change (null before a create, after a delete). */
export interface FieldChange {
  old: unknown;
  new: unknown;
}

/** Changed fields by name. */
export type Changes = Record<string, FieldChange>;

/** Columns that are never written to the audit log (secrets and bookkeeping). */
const NOT_AUDITED = new Set(['password_hash', 'new_password', 'search_vector', 'created_at', 'updated_at']);

/** A value as it is stored in the log (dates as ISO strings, everything JSON-safe). */
function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value;
}

/**
 * The fields that differ between two versions of a record (either may be
 * null, for a create or a delete). A changed password is recorded as changed,
 * never with its hash.
 */
export function changesBetween(before: Record<string, unknown> | null, after: Record<string, unknown> | null): Changes {
  const changes: Changes = {};
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const field of fields) {
    const old = normalise(before?.[field]);
    const now = normalise(after?.[field]);
    if (JSON.stringify(old) === JSON.stringify(now)) continue;
    if (field === 'password_hash') {
      changes.password = { old: before ? '(set)' : null, new: after ? '(changed)' : null };
      continue;
    }
    if (NOT_AUDITED.has(field)) continue;
    changes[field] = { old, new: now };
  }
  return changes;
}

/** What a staff member (or the system itself) did to one record. */
export interface AdminAction {
  /** The staff member; null for a change the system made on its own (unpaid-order expiry). */
  adminId: number | null;
  /** e.g. "create", "edit", "delete", "archive", "ship", "hide". */
  action: string;
  /** The table, e.g. "products". */
  targetType: string;
  targetId: string | number | null;
  changes: Changes;
  /** Why, in words, when the change is not self-explanatory (e.g. "not paid within 30 minutes"). */
  reason?: string;
}

/** Writes one audit row in the caller's transaction. */
export async function recordAdminAction(entry: AdminAction, transaction: Transaction): Promise<void> {
  await AdminLog.create(
    {
      admin_id: entry.adminId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId === null ? null : String(entry.targetId),
      details:
        entry.reason === undefined ? { changes: entry.changes } : { changes: entry.changes, reason: entry.reason },
    },
    { transaction },
  );
}
