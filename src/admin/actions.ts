/**
 * The panel's custom actions. Each calls the same service as the API
 * (transitionOrder, setReviewVisibility), so the same rules, stock handling
 * and audit rows hold; state changes only on POST (the confirm button).
 */
import type { Action, ActionContext, ActionRequest, ActionResponse, RecordActionResponse } from 'adminjs';
import { ValidationError } from 'adminjs';
import { AppError } from '../errors.js';
import type { OrderStatus } from '../models/index.js';
import { ORDER_ACTIONS, ORDER_TRANSITIONS, type OrderAction, transitionOrder } from '../services/order-service.js';
import { setReviewVisibility } from '../services/review-service.js';
import { type AuditedResource } from './audited-resource.js';

/** Component names registered by panel.ts. */
export interface ActionComponents {
  ConfirmAction: string;
}

const adminIdOf = (context: ActionContext): number => Number(context.currentAdmin?.id);

/** Runs a record action's change on POST, answering with a notice and the record's page. */
function recordAction(
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

const PAST: Record<OrderAction, string> = {
  pay: 'paid',
  ship: 'shipped',
  complete: 'completed',
  cancel: 'cancelled',
  expire: 'cancelled (expired unpaid)',
};

/** A staff order action (ship, complete, cancel), shown only where the transition table allows it. */
function orderAction(
  action: OrderAction,
  guard: string,
  components: ActionComponents,
): Partial<Action<ActionResponse>> {
  const options: Partial<Action<RecordActionResponse>> = {
    actionType: 'record',
    component: components.ConfirmAction,
    guard,
    variant: action === 'cancel' ? 'danger' : 'primary',
    icon: action === 'ship' ? 'Truck' : action === 'cancel' ? 'XCircle' : 'CheckCircle',
    isVisible: ({ record }) =>
      Boolean(record) && ORDER_TRANSITIONS[record!.params.status as OrderStatus]?.includes(ORDER_ACTIONS[action].to),
    handler: recordAction(async (orderId, context) => {
      const order = await transitionOrder(orderId, action, { kind: 'staff', adminId: adminIdOf(context) });
      return `Order #${order.id} is ${PAST[action]}.`;
    }),
  };
  return options as Partial<Action<ActionResponse>>;
}

/** Ship, complete and cancel (with restock) for the orders resource. */
export const orderActions = (components: ActionComponents) => ({
  ship: orderAction('ship', 'Mark this paid order as shipped?', components),
  complete: orderAction('complete', 'Mark this shipped order as completed?', components),
  cancel: orderAction('cancel', 'Cancel this order and put its items back in stock?', components),
});

/** Hide and show for the reviews resource (the product's rating follows). */
export const reviewActions = (components: ActionComponents) => {
  const visibility = (visible: boolean): Partial<Action<ActionResponse>> => {
    const options: Partial<Action<RecordActionResponse>> = {
      actionType: 'record',
      component: components.ConfirmAction,
      guard: visible ? 'Show this review on the product page again?' : 'Hide this review from the product page?',
      icon: visible ? 'Eye' : 'EyeOff',
      isVisible: ({ record }) => Boolean(record) && record!.params.visible !== visible,
      handler: recordAction(async (reviewId, context) => {
        const changed = await setReviewVisibility(reviewId, visible, adminIdOf(context));
        return changed ? `Review #${reviewId} is ${visible ? 'shown' : 'hidden'}.` : 'Nothing to change.';
      }),
    };
    return options as Partial<Action<ActionResponse>>;
  };
  // "show" is AdminJS's own action (the record page), so showing a hidden review again is "unhide".
  return { hide: visibility(false), unhide: visibility(true) };
};

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
