/** Pieces every resource module of the panel uses: navigation groups, visibility presets, the module shape. */
import type { ActionRequest, LocaleTranslationsBlock, ResourceWithOptions } from 'adminjs';
import { config } from '../../config.js';
import { component } from '../components.js';

/** One resource of the panel: its options, and its words (labels of the resource, properties and actions). */
export interface PanelResource {
  /** The AdminJS resource with its options. */
  resource(): ResourceWithOptions;
  /** The resource's id (its table name) and the words AdminJS shows for it (locale `resources.<id>`). */
  id: string;
  translations?: LocaleTranslationsBlock;
}

export const CATALOG = { name: 'Catalog', icon: 'ShoppingBag' };
export const SALES = { name: 'Sales', icon: 'DollarSign' };
export const CUSTOMERS = { name: 'Customers', icon: 'Users' };
export const SYSTEM = { name: 'System', icon: 'Settings' };

/** A property no page shows. */
export const hidden = { isVisible: false };
/** A property the services keep: listed, filtered and shown, never edited. */
export const shownNotEdited = { isVisible: { list: true, filter: true, show: true, edit: false } };
/** An action that does not exist. */
export const off = { isAccessible: false, isVisible: false };
/** For tables only the services write (carts, order lines) and the append-only audit log. */
export const readOnly = { new: off, edit: off, delete: off, bulkDelete: off };

/**
 * The record to edit is the one in the URL: a posted `id` field would
 * otherwise replace it (AdminJS merges the form into the record first).
 */
export const editTheRecordInTheUrl = {
  before: (request: ActionRequest) => {
    if (request.payload) delete request.payload.id;
    return request;
  },
};

/**
 * A money column (NUMERIC(12,2) as a decimal string) shown in the shop's
 * currency, unwrapped, on list and show pages; edit forms keep the plain
 * number input.
 */
export const money = () => ({
  type: 'number' as const,
  custom: { currency: config.admin.currency },
  components: { list: component('Money'), show: component('Money') },
});
