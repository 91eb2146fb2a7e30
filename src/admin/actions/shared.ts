/**
 * Pieces of the panel's custom actions: a record action that changes state
 * only on POST (the confirm button) and answers with a notice, and the
 * all-or-nothing bulk delete.
 */
import type { Action, ActionContext, ActionRequest, ActionResponse, RecordActionResponse } from 'adminjs';
import { ValidationError } from 'adminjs';
import { AppError } from '../../errors.js';
import { type AuditedResource } from '../audited-resource.js';

/** The signed-in staff member's user id. */
export const adminIdOf = (context: ActionContext): number => Number(context.currentAdmin?.id);

/** Runs a record action's change on POST, answering with a notice and the record's page. */
export function recordAction(
  change: (recordId: number, context: ActionContext) => Promise<string>,
): (request: ActionRequest, response: unknown, context: ActionContext) => Promise<RecordActionResponse> {
  return async (request, _response, context) => {
    const { record, resource, currentAdmin, h } = context;
    if (!record) throw new Error('This action needs a record.');
    if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
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
