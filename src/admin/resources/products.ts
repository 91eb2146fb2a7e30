/** Products in the panel: the catalogue's list (with thumbnails), filters, page and edit form. */
import { Product } from '../../models/index.js';
import { archiveNoticeAfterBulkDelete, archiveNoticeAfterDelete } from '../actions/archive-notices.js';
import { bulkDeleteAll } from '../actions/shared.js';
import { AuditedResource } from '../audited-resource.js';
import { component } from '../components.js';
import { productsCsv } from './product-csv.js';
import { withRangeFilter } from './range-filter.js';
import { CATALOG, type PanelResource, editTheRecordInTheUrl, money, shownNotEdited } from './shared.js';

/** The product's picture as a small fixed-size thumbnail in the list and on its page; a URL field in the form. */
const thumbnail = { components: { list: component('Thumbnail'), show: component('Thumbnail') }, isSortable: false };

export const products: PanelResource = {
  id: 'products',
  translations: {
    properties: {
      id: 'ID',
      name: 'Name',
      description: 'Description',
      price: 'Price',
      stock: 'Stock',
      category_id: 'Category',
      image_url: 'Image',
      archived: 'Archived',
      rating_avg: 'Rating',
      review_count: 'Reviews',
      sales_count: 'Units sold',
      created_at: 'Added',
      updated_at: 'Last changed',
    },
  },
  resource: () => ({
    resource: new AuditedResource(Product),
    options: {
      navigation: CATALOG,
      listProperties: [
        'id',
        'image_url',
        'name',
        'price',
        'stock',
        'category_id',
        'archived',
        'rating_avg',
        'sales_count',
      ],
      filterProperties: ['name', 'category_id', 'price', 'stock', 'archived', 'created_at'],
      showProperties: [
        'image_url',
        'id',
        'name',
        'description',
        'price',
        'stock',
        'category_id',
        'archived',
        'rating_avg',
        'review_count',
        'sales_count',
        'created_at',
        'updated_at',
      ],
      editProperties: ['name', 'description', 'price', 'stock', 'category_id', 'image_url', 'archived'],
      properties: {
        description: { type: 'textarea' },
        price: withRangeFilter(money(), { step: 0.01, min: 0 }),
        stock: withRangeFilter({}, { step: 1, min: 0 }),
        image_url: {
          ...thumbnail,
          description: 'The address (https://...) of the product picture.',
        },
        rating_avg: shownNotEdited,
        review_count: shownNotEdited,
        sales_count: shownNotEdited,
      },
      sort: { sortBy: 'id', direction: 'desc' },
      actions: {
        edit: editTheRecordInTheUrl,
        delete: { after: archiveNoticeAfterDelete },
        bulkDelete: { ...bulkDeleteAll, after: archiveNoticeAfterBulkDelete },
        exportCsv: productsCsv(),
      },
    },
  }),
};
