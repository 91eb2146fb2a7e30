/** Categories in the panel. */
import { Category } from '../../models/index.js';
import { bulkDeleteAll } from '../actions/shared.js';
import { AuditedResource } from '../audited-resource.js';
import { CATALOG, type PanelResource, editTheRecordInTheUrl } from './shared.js';

export const categories: PanelResource = {
  id: 'categories',
  resource: () => ({
    resource: new AuditedResource(Category),
    options: {
      navigation: CATALOG,
      listProperties: ['id', 'name', 'sort_order', 'updated_at'],
      properties: { description: { type: 'textarea' } },
      sort: { sortBy: 'sort_order', direction: 'asc' },
      actions: { edit: editTheRecordInTheUrl, bulkDelete: bulkDeleteAll },
    },
  }),
};
