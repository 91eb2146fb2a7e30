/** Order lines in the panel: read-only (checkout writes them), amounts in the shop's currency. */
import { OrderItem } from '../../models/index.js';
import { AuditedResource } from '../audited-resource.js';
import { type PanelResource, SALES, money, readOnly } from './shared.js';

export const orderItems: PanelResource = {
  id: 'order_items',
  translations: {
    properties: {
      id: 'Line',
      order_id: 'Order',
      product_id: 'Product',
      product_name: 'Product name (when ordered)',
      quantity: 'Quantity',
      price: 'Unit price',
      subtotal: 'Line total',
    },
  },
  resource: () => ({
    resource: new AuditedResource(OrderItem),
    options: {
      navigation: SALES,
      listProperties: ['id', 'order_id', 'product_name', 'quantity', 'price', 'subtotal'],
      properties: { price: money(), subtotal: money() },
      actions: readOnly,
    },
  }),
};
