/**
 * The panel's resources, one module each (navigation groups Catalog, Sales,
 * Customers, System): list columns, filters, sorting, which actions exist,
 * and their words. Writes go through AuditedResource (transactional,
 * audited); order and review actions through the services.
 */
import type { LocaleTranslationsBlock, ResourceWithOptions } from 'adminjs';
import { adminLogs } from './admin-logs.js';
import { carts } from './carts.js';
import { categories } from './categories.js';
import { orderItems } from './order-items.js';
import { orders } from './orders.js';
import { products } from './products.js';
import { reviews } from './reviews.js';
import type { PanelResource } from './shared.js';
import { users } from './users.js';

const ALL: PanelResource[] = [products, categories, orders, orderItems, reviews, users, carts, adminLogs];

/** Every resource of the panel, in navigation order. */
export const resources = (): ResourceWithOptions[] => ALL.map((panelResource) => panelResource.resource());

/** The words of every resource, by resource id (AdminJS locale `resources`). */
export const resourceTranslations = (): Record<string, LocaleTranslationsBlock> =>
  Object.fromEntries(ALL.flatMap(({ id, translations }) => (translations ? [[id, translations]] : [])));
