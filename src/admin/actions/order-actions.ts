/**
 * The staff order actions (ship, complete, cancel with restock, and ship
 * for several selected orders). Each calls transitionOrder, the service the
 * API uses, so the same rules, stock handling and audit rows hold.
 */
import type { Action, ActionContext, ActionResponse, BulkActionResponse, RecordActionResponse } from 'adminjs';
import type { OrderStatus } from '../../models/index.js';
import {
  ORDER_ACTIONS,
  ORDER_TRANSITIONS,
  type OrderAction,
  readOrder,
  transitionOrder,
} from '../../services/order-service.js';
import { component } from '../components.js';
import { adminIdOf, bulkAction, bulkNotice, counted, recordAction } from './shared.js';

/** The staff order actions that have a button. */
type StaffOrderAction = Extract<OrderAction, 'ship' | 'complete' | 'cancel'>;

const PAST: Record<StaffOrderAction, string> = { ship: 'shipped', complete: 'completed', cancel: 'cancelled' };

/** What the confirm page says the action will do, in words. */
async function willDo(action: StaffOrderAction, orderId: number): Promise<string> {
  if (action === 'ship')
    return `Order #${orderId} will be marked shipped and the customer will see it. This cannot be undone.`;
  if (action === 'complete') return `Order #${orderId} will be marked completed. This cannot be undone.`;
  const items = (await readOrder(orderId))?.items ?? [];
  const units = items.reduce((sum, item) => sum + item.quantity, 0);
  const products = new Set(items.map((item) => item.product_id)).size;
  return `Order #${orderId} will be cancelled and its ${counted(units, 'unit')} of ${counted(products, 'product')} put back in stock.`;
}

/** Whether the transition table lets an order in `status` take `action`. */
const allows = (status: unknown, action: StaffOrderAction): boolean =>
  ORDER_TRANSITIONS[status as OrderStatus]?.includes(ORDER_ACTIONS[action].to) ?? false;

const staff = (context: ActionContext) => ({ kind: 'staff' as const, adminId: adminIdOf(context) });

/** A staff order action, shown only where the transition table allows it. */
function orderAction(action: StaffOrderAction): Partial<Action<ActionResponse>> {
  const options: Partial<Action<RecordActionResponse>> = {
    actionType: 'record',
    component: component('ConfirmAction'),
    variant: action === 'cancel' ? 'danger' : 'primary',
    icon: action === 'ship' ? 'Truck' : action === 'cancel' ? 'XCircle' : 'CheckCircle',
    isVisible: ({ record }) => Boolean(record) && allows(record!.params.status, action),
    handler: recordAction(
      async (orderId, context) => {
        const order = await transitionOrder(orderId, action, staff(context));
        return `Order #${order.id} is ${PAST[action]}.`;
      },
      (orderId) => willDo(action, orderId),
    ),
  };
  return options as Partial<Action<ActionResponse>>;
}

/** Ship selected: each selected paid order shipped on its own (one audit row each); the others left as they are. */
const shipSelected: Partial<Action<BulkActionResponse>> = {
  actionType: 'bulk',
  component: component('ConfirmAction'),
  icon: 'Truck',
  variant: 'primary',
  guard:
    'Each selected order that is paid will be marked shipped, and its customer will see it. Orders that are not paid are left as they are.',
  handler: bulkAction(
    async (record, context) => {
      if (!allows(record.params.status, 'ship')) return false;
      await transitionOrder(Number(record.id()), 'ship', staff(context));
      return true;
    },
    // Only paid orders can be shipped (ORDER_TRANSITIONS).
    (shipped, left) => bulkNotice(shipped, left, 'Shipped', 'order', 'not paid'),
  ),
};

/** Ship, complete and cancel (with restock) for the orders resource, and ship for several at once. */
export const orderActions = () => ({
  ship: orderAction('ship'),
  complete: orderAction('complete'),
  cancel: orderAction('cancel'),
  shipSelected: shipSelected as Partial<Action<ActionResponse>>,
});
