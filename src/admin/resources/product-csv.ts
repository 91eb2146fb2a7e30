/** The products list as a spreadsheet (the products resource's "Export CSV"): one row per product, money as plain decimals. */
import { config } from '../../config.js';
import { column, csvExport, referenceColumn } from '../csv-export.js';

/** The "Export CSV" action of the products list. */
export const productsCsv = () =>
  csvExport([
    column('id', 'Product'),
    column('name', 'Name'),
    column('price', `Price (${config.admin.currency})`),
    column('stock', 'Stock'),
    referenceColumn('category_id', 'name', 'Category'),
    column('archived', 'Archived'),
    column('rating_avg', 'Rating'),
    column('review_count', 'Reviews'),
    column('sales_count', 'Units sold'),
    column('image_url', 'Image'),
    column('created_at', 'Added'),
    column('updated_at', 'Last changed'),
  ]);
