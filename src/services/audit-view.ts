/**
 * The audit log in words, for staff: what an admin_logs row says, as a
 * one-line summary ("price 12.50 → 14.99, stock 7 → 3"), a sentence for the
 * dashboard ("ada edited product Desk Lamp: price 12.50 → 14.99"), the
 * target and the admin by name with their panel pages, and a field | before |
 * after table. Secrets are never shown, whatever a row holds. Names are
 * looked up in batches: one query per table, however many rows.
 */
import { QueryTypes } from 'sequelize';
import { RESOURCE_NAMES, type ResourceName } from '../admin/words.js';
import { sequelize } from '../db.js';
import type { Changes, FieldChange } from './audit-service.js';

/** Where the staff panel is mounted (panel.ts's rootPath). */
const PANEL_ROOT = '/admin';

/** A summary names at most this many fields, then says how many more changed. */
const SUMMARY_FIELDS = 4;
/** Longer values are cut, with an ellipsis: in a summary, and in the changes table. */
const SUMMARY_TEXT = 40;
const TABLE_TEXT = 300;

/** One admin_logs row, as the table holds it. */
export interface AuditRow {
  id: number;
  admin_id: number | null;
  action: string;
  target_type: string;
  target_id: string | null;
  details: { changes?: Changes; reason?: string } | Record<string, unknown> | null;
  created_at: Date | string;
}

/** One changed field, ready to show: money fields keep their decimal string so the page can format them. */
export interface ChangeRow {
  field: string;
  /** The field in words ("category", "total"). */
  label: string;
  before: string;
  after: string;
  /** True for a money column: before and after are decimal strings in the shop's currency. */
  money: boolean;
}

/** A log row in words. */
export interface AuditView {
  /** e.g. "price 12.50 → 14.99, stock 7 → 3", "created", "password changed". */
  summary: string;
  /** The whole sentence, e.g. "ada edited product Desk Lamp: price 12.50 → 14.99". */
  line: string;
  /** The action in words ("Edited", "Shipped", "Archived"). */
  action_label: string;
  /** The admin's username, or "System" for a change the system made on its own. */
  admin_label: string;
  admin_email: string | null;
  /** The admin's page in the panel (null for the system, or an account since deleted). */
  admin_href: string | null;
  /** The target by name ("Desk Lamp", "Order #12"). */
  target_label: string;
  /** The target's page in the panel; null when it no longer exists. */
  target_href: string | null;
  reason: string | null;
  changes: ChangeRow[];
}

/**
 * How a target is named, by resource id (table name): by a column of its
 * own, or by its number ("Order #12"). What a resource is called comes from
 * the panel's words (RESOURCE_NAMES).
 */
const NAMED_BY: Readonly<Record<string, string>> = { products: 'name', categories: 'name', users: 'username' };

/** A resource in words: `one` for a record of it ("Order"), `many` for the resource ("Orders"). */
const nameOf = (resourceId: string): ResourceName =>
  RESOURCE_NAMES[resourceId] ?? { one: resourceId, many: resourceId };

/** Every resource a log row can name, as filter choices (id and name), in the panel's navigation order. */
export const auditTargets = (): { value: string; label: string }[] =>
  Object.entries(RESOURCE_NAMES).map(([value, { many }]) => ({ value, label: many }));

/** Every action the audit log records (AuditedResource, the order and review services), in words. */
export const AUDIT_ACTIONS: Record<string, { label: string; verb: string }> = {
  create: { label: 'Created', verb: 'created' },
  edit: { label: 'Edited', verb: 'edited' },
  delete: { label: 'Deleted', verb: 'deleted' },
  bulkDelete: { label: 'Deleted (bulk)', verb: 'deleted' },
  archive: { label: 'Archived', verb: 'archived' },
  ship: { label: 'Shipped', verb: 'shipped' },
  complete: { label: 'Completed', verb: 'completed' },
  cancel: { label: 'Cancelled', verb: 'cancelled' },
  expire: { label: 'Expired unpaid', verb: 'expired' },
  hide: { label: 'Hidden', verb: 'hid' },
  show: { label: 'Shown again', verb: 'showed again' },
};

/** Field names that differ from their column name in words. */
const FIELD_WORDS: Record<string, string> = {
  total_amount: 'total',
  is_active: 'active',
  image_url: 'image URL',
  rating_avg: 'rating',
  review_count: 'review count',
  sales_count: 'sales',
  product_name: 'product name',
};

/** Columns whose values are never shown (the log stores only "(set)" / "(changed)" for a password anyway). */
const SECRET = /password|secret|token|fingerprint/i;

/** A column name in words: "category_id" → "category", "sort_order" → "sort order". */
export const fieldInWords = (field: string): string =>
  FIELD_WORDS[field] ?? field.replace(/_id$/, '').replaceAll('_', ' ');

/** The action in words ("edit" → "Edited"); an action not known here reads as itself. */
export const actionInWords = (action: string): string => AUDIT_ACTIONS[action]?.label ?? action;

/**
 * Money columns by table: the NUMERIC(12,2) columns of the models (the money
 * column every model declares), so a new money column is known here at once.
 */
function moneyColumns(table: string): Set<string> {
  const model = Object.values(sequelize.models).find((candidate) => candidate.getTableName() === table);
  const columns = new Set<string>();
  for (const [name, attribute] of Object.entries(model?.getAttributes() ?? {})) {
    const type = attribute.type as { key?: string; options?: { precision?: number; scale?: number } };
    if (type.key === 'DECIMAL' && type.options?.precision === 12 && type.options.scale === 2) columns.add(name);
  }
  return columns;
}

const cut = (text: string, length: number): string =>
  text.length > length ? `${text.slice(0, length - 1).trimEnd()}…` : text;

/** A stored value in words: "—" for none, yes / no, dates as they were stored, objects as JSON. */
function valueInWords(value: unknown, length: number): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return cut(text.replace(/\s+/g, ' '), length);
}

/** The changes of a details object, whatever shape an old row has. */
function changesOf(details: AuditRow['details']): Changes {
  const changes = details?.changes;
  if (!changes || typeof changes !== 'object' || Array.isArray(changes)) return {};
  return Object.fromEntries(
    Object.entries(changes as Record<string, unknown>).filter(
      (entry): entry is [string, FieldChange] => typeof entry[1] === 'object' && entry[1] !== null,
    ),
  );
}

/** What happened to a secret, in words that never carry its value. */
function secretInWords(change: FieldChange): { before: string; after: string; summary: string } {
  const before = change.old === null || change.old === undefined ? '—' : 'set';
  const after = change.new === null || change.new === undefined ? '—' : 'changed';
  const summary = after === '—' ? 'removed' : before === '—' ? 'set' : 'changed';
  return { before, after, summary };
}

/**
 * The one-line summary of a change: each changed field as
 * "field before → after" (secrets as "password changed", long texts cut),
 * at most SUMMARY_FIELDS of them; a create reads "created", a delete
 * "deleted".
 */
export function summariseChange(action: string, details: AuditRow['details']): string {
  if (action === 'create') return 'created';
  if (action === 'delete' || action === 'bulkDelete') return 'deleted';
  const parts = Object.entries(changesOf(details)).map(([field, change]) => {
    const words = fieldInWords(field);
    if (SECRET.test(field)) return `${words} ${secretInWords(change).summary}`;
    return `${words} ${valueInWords(change.old, SUMMARY_TEXT)} → ${valueInWords(change.new, SUMMARY_TEXT)}`;
  });
  if (parts.length === 0) return AUDIT_ACTIONS[action]?.verb ?? action;
  const more = parts.length - SUMMARY_FIELDS;
  return more > 0 ? `${parts.slice(0, SUMMARY_FIELDS).join(', ')} and ${more} more` : parts.join(', ');
}

/** The field | before | after table of a change (secrets only as set / changed). */
export function changeRows(targetType: string, details: AuditRow['details']): ChangeRow[] {
  const money = moneyColumns(targetType);
  return Object.entries(changesOf(details)).map(([field, change]) => {
    const label = fieldInWords(field);
    if (SECRET.test(field)) {
      const { before, after } = secretInWords(change);
      return { field, label, before, after, money: false };
    }
    const values = [change.old, change.new];
    return {
      field,
      label,
      before: valueInWords(change.old, TABLE_TEXT),
      after: valueInWords(change.new, TABLE_TEXT),
      money: money.has(field) && values.every((value) => value === null || Number.isFinite(Number(value))),
    };
  });
}

/** A record's page in the panel. */
export const recordHref = (resourceId: string, id: string | number): string =>
  `${PANEL_ROOT}/resources/${resourceId}/records/${encodeURIComponent(String(id))}/show`;

/** Whole-number ids only: a target id is text in the log. */
const rowIds = (ids: (string | number | null)[]): number[] => [
  ...new Set(ids.filter((id) => id !== null && /^\d{1,9}$/.test(String(id))).map(Number)),
];

/** The names of the records in one table (one query), by id; a missing id is a deleted record. */
async function namesIn(table: string, ids: number[]): Promise<Map<string, { label: string; email?: string }>> {
  const names = new Map<string, { label: string; email?: string }>();
  if (ids.length === 0) return names;
  const extra = table === 'users' ? ', email' : '';
  const rows = await sequelize.query<{ id: number; label: string | null; email?: string }>(
    `SELECT id, ${NAMED_BY[table] ?? 'NULL'}::text AS label${extra} FROM ${table} WHERE id = ANY($1::int[])`,
    { bind: [ids], type: QueryTypes.SELECT },
  );
  for (const row of rows) names.set(String(row.id), { label: row.label ?? '', email: row.email });
  return names;
}

/**
 * The log rows in words, in the order given. Looks up the targets' and the
 * admins' names with one query per table (the admins with the users
 * targets); a deleted target is named from the log's own before-values,
 * without a link.
 */
export async function describeAudit(rows: AuditRow[]): Promise<AuditView[]> {
  const wanted = new Map<string, (string | number | null)[]>();
  for (const row of rows) {
    if (RESOURCE_NAMES[row.target_type])
      wanted.set(row.target_type, [...(wanted.get(row.target_type) ?? []), row.target_id]);
  }
  wanted.set('users', [...(wanted.get('users') ?? []), ...rows.map((row) => row.admin_id)]);
  const found = new Map(
    await Promise.all([...wanted].map(async ([table, ids]) => [table, await namesIn(table, rowIds(ids))] as const)),
  );
  return rows.map((row) => {
    const { one } = nameOf(row.target_type);
    const column = NAMED_BY[row.target_type];
    const changes = changesOf(row.details);
    const id = row.target_id;
    const current = id === null ? undefined : found.get(row.target_type)?.get(id);
    const logged = column ? (changes[column]?.old ?? changes[column]?.new) : undefined;
    const target_label = column
      ? current?.label || (typeof logged === 'string' && logged !== '' ? logged : `${one} #${id ?? '?'}`)
      : `${one} #${id ?? '?'}`;
    const admin = row.admin_id === null ? undefined : found.get('users')?.get(String(row.admin_id));
    const admin_label = row.admin_id === null ? 'System' : (admin?.label ?? `${nameOf('users').one} #${row.admin_id}`);
    const summary = summariseChange(row.action, row.details);
    const verb = AUDIT_ACTIONS[row.action]?.verb ?? row.action;
    const what = column ? `${one.toLowerCase()} ${target_label}` : target_label;
    const told = ['create', 'delete', 'bulkDelete'].includes(row.action) || Object.keys(changes).length === 0;
    const reason = typeof row.details?.reason === 'string' ? row.details.reason : null;
    return {
      summary,
      line: `${admin_label} ${verb} ${what}${told ? '' : `: ${summary}`}${reason ? ` (${reason})` : ''}`,
      action_label: actionInWords(row.action),
      admin_label,
      admin_email: admin?.email ?? null,
      admin_href: admin ? recordHref('users', row.admin_id!) : null,
      target_label,
      target_href: current && id !== null ? recordHref(row.target_type, id) : null,
      reason,
      changes: changeRows(row.target_type, row.details),
    };
  });
}
