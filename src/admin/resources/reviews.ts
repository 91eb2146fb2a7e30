/** Reviews in the panel: hidden or shown again (the product's rating follows), never edited. */
import { Review } from '../../models/index.js';
import { reviewActions } from '../actions/review-actions.js';
import { bulkDeleteAll } from '../actions/shared.js';
import { AuditedResource } from '../audited-resource.js';
import { type PanelResource, SALES, off } from './shared.js';

export const reviews: PanelResource = {
  id: 'reviews',
  translations: { actions: { hide: 'Hide', unhide: 'Show again' } },
  resource: () => ({
    resource: new AuditedResource(Review),
    options: {
      navigation: SALES,
      listProperties: ['id', 'product_id', 'user_id', 'rating', 'visible', 'created_at'],
      filterProperties: ['product_id', 'user_id', 'order_id', 'rating', 'visible', 'created_at'],
      properties: { content: { type: 'textarea' } },
      sort: { sortBy: 'created_at', direction: 'desc' },
      actions: { ...reviewActions(), new: off, edit: off, bulkDelete: bulkDeleteAll },
    },
  }),
};
