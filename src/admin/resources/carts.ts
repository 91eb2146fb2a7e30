/** Cart lines in the panel: read-only (shoppers write them). */
import { Cart } from '../../models/index.js';
import { AuditedResource } from '../audited-resource.js';
import { component } from '../components.js';
import { CUSTOMERS, type PanelResource, readOnly } from './shared.js';

export const carts: PanelResource = {
  id: 'carts',
  translations: {
    properties: {
      id: 'Line',
      user_id: 'Customer',
      product_id: 'Product',
      quantity: 'Quantity',
      created_at: 'Added',
      updated_at: 'Last changed',
    },
  },
  resource: () => ({
    resource: new AuditedResource(Cart),
    options: {
      navigation: CUSTOMERS,
      listProperties: ['id', 'user_id', 'product_id', 'quantity', 'updated_at'],
      properties: { user_id: { components: { list: component('Account'), show: component('Account') } } },
      actions: readOnly,
    },
  }),
};
