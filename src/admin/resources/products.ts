/** Products in the panel: the catalogue's list, filters and edit form. */
import { Product } from '../../models/index.js';
import { bulkDeleteAll } from '../actions/shared.js';
import { AuditedResource } from '../audited-resource.js';
import { CATALOG, type PanelResource, editTheRecordInTheUrl, shownNotEdited } from './shared.js';

export const products: PanelResource = {
  id: 'products',
  resource: () => ({
    resource: new AuditedResource(Product),
    options: {
      navigation: CATALOG,
      listProperties: ['id', 'name', 'price', 'stock', 'category_id', 'archived', 'rating_avg', 'sales_count'],
      filterProperties: ['name', 'category_id', 'price', 'stock', 'archived', 'created_at'],
      editProperties: ['name', 'description', 'price', 'stock', 'category_id', 'image_url', 'archived'],
      properties: {
        description: { type: 'textarea' },
        rating_avg: shownNotEdited,
        review_count: shownNotEdited,
        sales_count: shownNotEdited,
      },
      sort: { sortBy: 'id', direction: 'desc' },
      actions: { edit: editTheRecordInTheUrl, bulkDelete: bulkDeleteAll },
    },
  }),
};
