/**
 * Coloured badges for the values of a fixed list (order statuses, account
 * roles): their words and colours, keyed by the models' own lists, so a new
 * status fails to compile here until it has a colour.
 */
import { ORDER_STATUSES, type OrderStatus, USER_ROLES, type UserRole } from '../../models/index.js';
import { component } from '../components.js';

/** How one value looks: its word and its background colour. */
export interface BadgeLook {
  label: string;
  colour: string;
}

/** Pending amber, paid blue, shipped indigo, completed green, cancelled grey. */
const ORDER_STATUS_LOOKS: Record<OrderStatus, BadgeLook> = {
  pending: { label: 'Pending payment', colour: '#B45309' },
  paid: { label: 'Paid', colour: '#1D4ED8' },
  shipped: { label: 'Shipped', colour: '#6D28D9' },
  completed: { label: 'Completed', colour: '#15803D' },
  cancelled: { label: 'Cancelled', colour: '#6B7280' },
};

/** Staff stand out; shoppers are the quiet default. */
const ROLE_LOOKS: Record<UserRole, BadgeLook> = {
  customer: { label: 'Customer', colour: '#6B7280' },
  admin: { label: 'Admin', colour: '#BE185D' },
};

/** Property options of a value from `values`, shown as a badge in lists and pages and picked by its word in filters. */
function badged<T extends string>(values: readonly T[], looks: Record<T, BadgeLook>) {
  return {
    availableValues: values.map((value) => ({ value, label: looks[value].label })),
    custom: { badges: looks },
    components: { list: component('StatusBadge'), show: component('StatusBadge') },
  };
}

/** An order's status as a coloured badge. */
export const orderStatusBadge = () => badged(ORDER_STATUSES, ORDER_STATUS_LOOKS);

/** An account's role as a coloured badge. */
export const roleBadge = () => badged(USER_ROLES, ROLE_LOOKS);

/** The word for an order status ("Pending payment"), for notices and exports. */
export const orderStatusWord = (status: OrderStatus): string => ORDER_STATUS_LOOKS[status].label;
