/**
 * The audit log in the panel: append-only, newest first, in words. Each
 * entry names its admin and its target (with links), the action, a one-line
 * summary and, on its page, a field | before | after table. AdminJS shows
 * no nested keys it was not told about, so the list and show actions' after
 * hooks put those words into the records' params (flat keys), from
 * describeAudit (one lookup per table per page).
 */
import type { ActionRequest, ListActionResponse, RecordActionResponse, RecordJSON } from 'adminjs';
import { flat } from 'adminjs';
import { config } from '../../config.js';
import { AdminLog } from '../../models/index.js';
import { AUDIT_ACTIONS, type AuditRow, auditTargets, describeAudit } from '../../services/audit-view.js';
import { AuditedResource } from '../audited-resource.js';
import { component } from '../components.js';
import { type PanelResource, SYSTEM, readOnly } from './shared.js';

/** The log row a record's flat params hold. */
function auditRowOf(params: RecordJSON['params']): AuditRow {
  return {
    id: Number(params.id),
    admin_id: params.admin_id === null || params.admin_id === undefined ? null : Number(params.admin_id),
    action: String(params.action),
    target_type: String(params.target_type),
    target_id: params.target_id === null || params.target_id === undefined ? null : String(params.target_id as string),
    details: (flat.get(params, 'details') as AuditRow['details']) ?? null,
    created_at: params.created_at as string,
  };
}

/** Adds each record's words (summary, names, links, the changes table as `changes_rows.<n>.*`) to its params. */
async function putInWords(records: RecordJSON[]): Promise<void> {
  const views = await describeAudit(records.map((record) => auditRowOf(record.params)));
  records.forEach((record, index) => {
    const { changes, ...words } = views[index]!;
    record.params = { ...record.params, ...flat.flatten({ ...words, changes_rows: changes }) };
  });
}

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The date range filter as staff mean it: a "to" day includes that whole
 * day (UTC); any date is passed on as an ISO timestamp, and one that is not
 * a date (or is beyond year 9999) is dropped rather than reaching SQL
 * (PostgreSQL would refuse it: a 500).
 */
function wholeDays(request: ActionRequest): ActionRequest {
  const query = request.query;
  if (!query) return request;
  for (const end of ['from', 'to']) {
    const key = `filters.created_at~~${end}`;
    const value: unknown = query[key];
    if (value === undefined) continue;
    const wholeDay = end === 'to' && typeof value === 'string' && DAY_ONLY.test(value);
    const at = typeof value === 'string' ? new Date(wholeDay ? `${value}T23:59:59.999Z` : value) : undefined;
    const year = at?.getUTCFullYear() ?? NaN;
    if (!at || !(year >= 1 && year <= 9999)) delete query[key];
    else query[key] = at.toISOString();
  }
  return request;
}

/**
 * A virtual column shown by AuditLink: the `<name>_label` param, linked to
 * `<name>_href` when there is one (and the `detail` param beside it on the page).
 */
const linked = (name: string, detail?: string) => ({
  type: 'string' as const,
  isSortable: false,
  custom: { label: `${name}_label`, href: `${name}_href`, detail },
  components: { list: component('AuditLink'), show: component('AuditLink') },
  isVisible: { list: true, show: true, edit: false, filter: false },
});

/** A virtual text only the show page (and optionally the list) shows. */
const words = (list: boolean) => ({
  type: 'string' as const,
  isSortable: false,
  isVisible: { list, show: true, edit: false, filter: false },
});

export const adminLogs: PanelResource = {
  id: 'admin_logs',
  translations: {
    properties: {
      id: 'Entry',
      created_at: 'When',
      admin: 'Admin',
      admin_id: 'Admin',
      action: 'Action',
      target: 'Target',
      target_type: 'Resource',
      target_id: 'Record (id)',
      summary: 'Summary',
      reason: 'Reason',
      changes: 'Changes',
      details: 'Details',
    },
  },
  resource: () => ({
    // A record id matches exactly: as text, "1" would also find 10, 11 and 21.
    resource: new AuditedResource(AdminLog, { customFilters: { target_id: (text) => ({ target_id: text }) } }),
    options: {
      navigation: SYSTEM,
      listProperties: ['created_at', 'admin', 'action', 'target', 'summary'],
      showProperties: ['id', 'created_at', 'admin', 'action', 'target', 'reason', 'summary', 'changes'],
      filterProperties: ['admin_id', 'target_type', 'target_id', 'action', 'created_at'],
      properties: {
        admin: linked('admin', 'admin_email'),
        target: linked('target'),
        action: {
          availableValues: Object.entries(AUDIT_ACTIONS).map(([value, { label }]) => ({ value, label })),
          custom: { label: 'action_label' },
          components: { list: component('AuditLink'), show: component('AuditLink') },
        },
        target_type: { availableValues: auditTargets() },
        target_id: { type: 'string' },
        summary: words(true),
        reason: { ...words(false), custom: { label: 'reason' }, components: { show: component('AuditLink') } },
        changes: {
          type: 'mixed',
          custom: { currency: config.admin.currency },
          components: { show: component('AuditChanges') },
          isVisible: { list: false, show: true, edit: false, filter: false },
        },
        details: { isVisible: false },
      },
      sort: { sortBy: 'created_at', direction: 'desc' },
      actions: {
        ...readOnly,
        list: {
          before: wholeDays,
          after: async (response: ListActionResponse) => {
            await putInWords(response.records);
            return response;
          },
        },
        show: {
          after: async (response: RecordActionResponse) => {
            await putInWords([response.record]);
            return response;
          },
        },
      },
    },
  }),
};
