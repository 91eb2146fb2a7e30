/**
 * "Export CSV" for any resource: the list as filtered and sorted on screen,
 * as a spreadsheet file.
 *
 * The list page's button opens a drawer (CsvExport.jsx) that keeps the
 * page's query (filters, sort) and links to this action's API URL with it;
 * the GET there answers the file itself (text/csv, an attachment named
 * like orders-2026-12-03.csv) through the Express response that
 * @adminjs/express hands every action handler. The rows come from the
 * resource's own `find` and the list's own filter and sort rules (AdminJS's
 * Filter and SortSetter, then AuditedResource/list-query), so a filter
 * means exactly what it means on the list page.
 *
 * Cells are RFC 4180 (comma separated, CRLF lines, a field with a comma,
 * quote or line break quoted, quotes doubled), and a text that a
 * spreadsheet would run as a formula (starting with = + - @, tab or CR) is
 * prefixed with ' (OWASP's CSV injection advice).
 */
import type { Response } from 'express';
import {
  type Action,
  type ActionContext,
  type ActionRequest,
  type ActionResponse,
  type BaseRecord,
  Filter,
  SortSetter,
  flat,
  populator,
} from 'adminjs';
import { component } from './components.js';

/**
 * At most this many rows go into one file: a year of a busy shop's orders
 * fits, and building it (200 pages of 500, ~10 MB) takes seconds, not
 * minutes. A longer list ends with a line saying it was cut; narrower
 * filters export the rest.
 */
export const CSV_ROW_CAP = 100_000;

/** Rows per read: AuditedResource's largest page. */
const PAGE = 500;

/** One column of the file: its header and its cell for a record (references are populated). */
export interface CsvColumn {
  header: string;
  value: (record: BaseRecord) => unknown;
}

/** A column of the record's own value at `path` (money stays the plain decimal it is stored as: 12.50). */
export const column = (path: string, header: string): CsvColumn => ({
  header,
  value: (record): unknown => record.params[path],
});

/** A column of a field of the record a reference points to (an order's customer's e-mail). */
export const referenceColumn = (path: string, field: string, header: string): CsvColumn => ({
  header,
  value: (record): unknown => record.populated[path]?.params[field],
});

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: text as it is (formula starts neutralised), dates in ISO 8601, empty for nothing. */
export function csvField(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'string') text = FORMULA_START.test(value) ? `'${value}` : value;
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else text = JSON.stringify(value) ?? '';
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (without its CRLF). */
export const csvLine = (values: unknown[]): string => values.map(csvField).join(',');

/** The list's filter and sort, from the list page's query (as AdminJS's list action reads them). */
async function listOf(request: ActionRequest, context: ActionContext) {
  const { resource } = context;
  const {
    sortBy,
    direction,
    filters = {},
  } = flat.unflatten<Record<string, unknown>, Record<string, unknown>>(request.query ?? {}) as {
    sortBy?: string;
    direction?: 'asc' | 'desc';
    filters?: Record<string, unknown>;
  };
  const decorated = resource.decorate();
  const first = decorated.getListProperties().find((property) => property.isSortable());
  const sort = first ? SortSetter({ sortBy, direction }, first.name(), decorated.options) : undefined;
  const filter = await new Filter(filters, resource).populate(context);
  return { filter, sort };
}

/** The file's lines: the header, then the rows in list order, capped at CSV_ROW_CAP. */
async function csvLines(columns: CsvColumn[], request: ActionRequest, context: ActionContext): Promise<string[]> {
  const { filter, sort } = await listOf(request, context);
  const lines = [csvLine(columns.map((col) => col.header))];
  for (let offset = 0; offset < CSV_ROW_CAP; offset += PAGE) {
    const limit = Math.min(PAGE, CSV_ROW_CAP - offset);
    const records = await populator(await context.resource.find(filter, { limit, offset, sort }, context), context);
    for (const record of records) lines.push(csvLine(columns.map((col) => col.value(record))));
    if (records.length < limit) return lines;
  }
  const more = await context.resource.find(filter, { limit: 1, offset: CSV_ROW_CAP, sort }, context);
  if (more.length > 0) {
    lines.push(
      csvLine([`Only the first ${CSV_ROW_CAP} rows are in this file. Narrow the filters to export the rest.`]),
    );
  }
  return lines;
}

/** The attachment's name: the resource and today's date (UTC), e.g. orders-2026-12-03.csv. */
export const csvFileName = (resourceId: string, now = new Date()): string =>
  `${resourceId.replace(/[^\w-]/g, '_')}-${now.toISOString().slice(0, 10)}.csv`;

/**
 * The "Export CSV" resource action for a resource: `columns` in order,
 * each with its human header.
 */
export function csvExport(columns: CsvColumn[]): Partial<Action<ActionResponse>> {
  return {
    actionType: 'resource',
    icon: 'Download',
    showInDrawer: true,
    component: component('CsvExport'),
    handler: async (request, response, context) => {
      const res = response as Response;
      const lines = await csvLines(columns, request, context);
      res
        .status(200)
        .set({
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="${csvFileName(context.resource.id())}"`,
          'Cache-Control': 'no-store',
        })
        .send(`${lines.join('\r\n')}\r\n`);
      // The file is the answer: nothing for @adminjs/express to send after it.
      return undefined as unknown as ActionResponse;
    },
  };
}
