/**
 * Reviews in the panel: the text and stars in the list, hidden or shown
 * again one by one or several at once (the product's rating follows),
 * never edited.
 */
import { Review } from '../../models/index.js';
import { reviewActions } from '../actions/review-actions.js';
import { bulkDeleteAll } from '../actions/shared.js';
import { AuditedResource } from '../audited-resource.js';
import { component } from '../components.js';
import { type PanelResource, SALES, off } from './shared.js';

/** A property shown by `name` (components/<name>.jsx) in lists and on the record's page. */
const shownBy = (name: string) => ({ components: { list: component(name), show: component(name) } });

export const reviews: PanelResource = {
  id: 'reviews',
  translations: {
    actions: { hide: 'Hide review', unhide: 'Show again', hideSelected: 'Hide selected' },
    properties: {
      id: 'ID',
      product_id: 'Product',
      user_id: 'Author',
      order_id: 'Order',
      rating: 'Rating',
      content: 'Review',
      images: 'Photos',
      visible: 'Shown',
      created_at: 'Written',
      updated_at: 'Last changed',
    },
  },
  resource: () => ({
    resource: new AuditedResource(Review),
    options: {
      navigation: SALES,
      listProperties: ['id', 'product_id', 'user_id', 'rating', 'content', 'visible', 'created_at'],
      filterProperties: ['product_id', 'user_id', 'order_id', 'rating', 'visible', 'created_at'],
      properties: {
        content: { type: 'textarea', ...shownBy('ReviewText') },
        rating: shownBy('Stars'),
        user_id: shownBy('Account'),
      },
      sort: { sortBy: 'created_at', direction: 'desc' },
      actions: { ...reviewActions(), new: off, edit: off, bulkDelete: bulkDeleteAll },
    },
  }),
};
