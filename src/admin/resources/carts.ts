/** Cart lines in the panel: read-only (shoppers write them). */
import { Cart } from '../../models/index.js';
import { AuditedResource } from '../audited-resource.js';
import { CUSTOMERS, type PanelResource, readOnly } from './shared.js';

export const carts: PanelResource = {
  id: 'carts',
  resource: () => ({
    resource: new AuditedResource(Cart),
    options: {
      navigation: CUSTOMERS,
      listProperties: ['id', 'user_id', 'product_id', 'quantity', 'updated_at'],
      actions: readOnly,
    },
  }),
};
