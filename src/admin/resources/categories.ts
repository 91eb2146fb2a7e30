/** Categories in the panel. */
import { Category } from '../../models/index.js';
import { bulkDeleteAll } from '../actions/shared.js';
import { AuditedResource } from '../audited-resource.js';
import { CATALOG, type PanelResource, editTheRecordInTheUrl } from './shared.js';

export const categories: PanelResource = {
  id: 'categories',
  translations: {
    properties: {
      id: 'ID',
      name: 'Name',
      description: 'Description',
      sort_order: 'Position in menus',
      created_at: 'Added',
      updated_at: 'Last changed',
    },
  },
  resource: () => ({
    resource: new AuditedResource(Category),
    options: {
      navigation: CATALOG,
      listProperties: ['id', 'name', 'sort_order', 'updated_at'],
      properties: {
        description: { type: 'textarea' },
        sort_order: { description: 'Lower numbers come first in the shop’s category menus.' },
      },
      sort: { sortBy: 'sort_order', direction: 'asc' },
      actions: { edit: editTheRecordInTheUrl, bulkDelete: bulkDeleteAll },
    },
  }),
};
