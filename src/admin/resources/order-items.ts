/** Order lines in the panel: read-only (checkout writes them). */
import { OrderItem } from '../../models/index.js';
import { AuditedResource } from '../audited-resource.js';
import { type PanelResource, SALES, readOnly } from './shared.js';

export const orderItems: PanelResource = {
  id: 'order_items',
  resource: () => ({
    resource: new AuditedResource(OrderItem),
    options: {
      navigation: SALES,
      listProperties: ['id', 'order_id', 'product_name', 'quantity', 'price', 'subtotal'],
      actions: readOnly,
    },
  }),
};
