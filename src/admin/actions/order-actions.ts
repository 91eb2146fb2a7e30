/**
 * The staff order actions (ship, complete, cancel with restock). Each calls
 * transitionOrder, the service the API uses, so the same rules, stock
 * handling and audit rows hold.
 */
import type { Action, ActionResponse, RecordActionResponse } from 'adminjs';
import type { OrderStatus } from '../../models/index.js';
import { ORDER_ACTIONS, ORDER_TRANSITIONS, type OrderAction, transitionOrder } from '../../services/order-service.js';
import { component } from '../components.js';
import { adminIdOf, recordAction } from './shared.js';

const PAST: Record<OrderAction, string> = {
  pay: 'paid',
  ship: 'shipped',
  complete: 'completed',
  cancel: 'cancelled',
  expire: 'cancelled (expired unpaid)',
};

/** A staff order action (ship, complete, cancel), shown only where the transition table allows it. */
function orderAction(action: OrderAction, guard: string): Partial<Action<ActionResponse>> {
  const options: Partial<Action<RecordActionResponse>> = {
    actionType: 'record',
    component: component('ConfirmAction'),
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
export const orderActions = () => ({
  ship: orderAction('ship', 'Mark this paid order as shipped?'),
  complete: orderAction('complete', 'Mark this shipped order as completed?'),
  cancel: orderAction('cancel', 'Cancel this order and put its items back in stock?'),
});
