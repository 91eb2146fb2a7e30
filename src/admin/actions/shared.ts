/**
 * Pieces of the panel's custom actions: a record action that changes state
 * only on POST (the confirm button) and answers with a notice, a bulk
 * action that changes each selected record on its own (audited one by one),
 * and the all-or-nothing bulk delete.
 */
import type {
  Action,
  ActionContext,
  ActionRequest,
  ActionResponse,
  BaseRecord,
  BulkActionResponse,
  RecordActionResponse,
} from 'adminjs';
import { ValidationError } from 'adminjs';
import { AppError } from '../../errors.js';
import { type AuditedResource } from '../audited-resource.js';

/** The signed-in staff member's user id (refused without one): the actions audit their changes under it. */
export { adminIdOf } from '../audited-resource.js';

/**
 * The record param that carries a confirm page's sentence ("Order #12 will
 * be cancelled and its 3 units of 2 products put back in stock."): AdminJS
 * hands a record action's component only the record its GET answered.
 */
export const CONFIRMATION_PARAM = 'confirmation';

/**
 * Runs a record action's change on POST, answering with a notice and the
 * record's page. On GET (the confirm page) it answers the record, with
 * `describe`'s sentence of what the change will do when there is one.
 */
export function recordAction(
  change: (recordId: number, context: ActionContext) => Promise<string>,
  describe?: (recordId: number, context: ActionContext) => Promise<string>,
): (request: ActionRequest, response: unknown, context: ActionContext) => Promise<RecordActionResponse> {
  return async (request, _response, context) => {
    const { record, resource, currentAdmin, h } = context;
    if (!record) throw new Error('This action needs a record.');
    if (request.method !== 'post') {
      const json = record.toJSON(currentAdmin);
      if (!describe) return { record: json };
      const sentence = await describe(Number(record.id()), context);
      return { record: { ...json, params: { ...json.params, [CONFIRMATION_PARAM]: sentence } } };
    }
    let message: string;
    try {
      message = await change(Number(record.id()), context);
    } catch (error) {
      // Rule refusals (wrong status, gone) become a notice; anything else is a real error.
      if (error instanceof AppError && error.status < 500) {
        return { record: record.toJSON(currentAdmin), notice: { message: error.message, type: 'error' } };
      }
      throw error;
    }
    const fresh = await resource.findOne(record.id());
    return {
      record: (fresh ?? record).toJSON(currentAdmin),
      redirectUrl: h.recordActionUrl({ resourceId: resource.id(), recordId: record.id(), actionName: 'show' }),
      notice: { message, type: 'success' },
    };
  };
}

/**
 * A bulk action that changes each selected record on its own (its own
 * transaction and audit row, through the same service as the single
 * action), on POST only. `change` answers whether it changed the record;
 * one a rule refuses (an AppError below 500) counts as left as it was.
 * `notice` words how many were changed and how many left.
 */
export function bulkAction(
  change: (record: BaseRecord, context: ActionContext) => Promise<boolean>,
  notice: (changed: number, left: number) => string,
): (request: ActionRequest, response: unknown, context: ActionContext) => Promise<BulkActionResponse> {
  return async (request, _response, context) => {
    const { records = [], resource, currentAdmin, h } = context;
    if (request.method !== 'post') return { records: records.map((record) => record.toJSON(currentAdmin)) };
    let changed = 0;
    for (const record of records) {
      try {
        if (await change(record, context)) changed += 1;
      } catch (error) {
        if (!(error instanceof AppError && error.status < 500)) throw error;
      }
    }
    const fresh = await resource.findMany(records.map((record) => record.id()));
    return {
      records: fresh.map((record) => record.toJSON(currentAdmin)),
      notice: { message: notice(changed, records.length - changed), type: changed > 0 ? 'success' : 'info' },
      redirectUrl: h.resourceUrl({ resourceId: resource.id() }),
    };
  };
}

/** "1 order", "3 orders". */
export const counted = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

/**
 * A bulk action's notice: what was done and what was left, and why
 * ("Shipped 3 orders. 2 were not paid and were left as they were.").
 */
export function bulkNotice(changed: number, left: number, done: string, one: string, why: string): string {
  const words = [`${done} ${counted(changed, one)}.`];
  if (left === 1) words.push(`1 was ${why} and was left as it was.`);
  if (left > 1) words.push(`${left} were ${why} and were left as they were.`);
  return words.join(' ');
}

/** Bulk delete, all-or-nothing, with one audit row per record (replaces AdminJS's one-by-one default). */
export const bulkDeleteAll: Partial<Action<ActionResponse>> = {
  handler: async (request, _response, context) => {
    const { records = [], resource, currentAdmin, h } = context;
    const recordsJson = records.map((record) => record.toJSON(currentAdmin));
    if (request.method !== 'post') return { records: recordsJson };
    try {
      await (resource as AuditedResource).deleteMany(
        records.map((record) => record.id()),
        context,
      );
    } catch (error) {
      if (error instanceof ValidationError) {
        return {
          records: recordsJson,
          notice: { message: error.baseError?.message ?? 'Nothing was deleted.', type: 'error' },
        };
      }
      throw error;
    }
    return {
      records: recordsJson,
      notice: { message: `${records.length} record(s) deleted (or archived).`, type: 'success' },
      redirectUrl: h.resourceUrl({ resourceId: resource.id() }),
    };
  },
};
