/**
 * The panel's own words, in place of AdminJS's defaults ("List", "Show",
 * "Create new", "Successfully deleted given record"): page titles that say
 * which page it is, buttons and notices that say what happens, and labels
 * for the columns many tables share. A resource module's own words
 * (resources/*.ts `translations`) win over these.
 *
 * AdminJS titles a page with `translateAction(action.name, resourceId)`,
 * which looks up `resources.<id>.actions.<name>` and then `actions.<name>`,
 * and names a resource (sidebar, breadcrumbs) with `labels.<id>`; so each
 * resource gets its own list, details, add and edit titles below.
 */
import type { LocaleTranslations, LocaleTranslationsBlock } from 'adminjs';

/** What a resource is called: one record and the list of them. */
export interface ResourceName {
  one: string;
  many: string;
}

/** Every resource's name, by resource id (table name). */
export const RESOURCE_NAMES: Readonly<Record<string, ResourceName>> = {
  products: { one: 'Product', many: 'Products' },
  categories: { one: 'Category', many: 'Categories' },
  orders: { one: 'Order', many: 'Orders' },
  order_items: { one: 'Order line', many: 'Order lines' },
  reviews: { one: 'Review', many: 'Reviews' },
  users: { one: 'Account', many: 'Accounts' },
  carts: { one: 'Cart line', many: 'Cart lines' },
  admin_logs: { one: 'Audit entry', many: 'Audit log' },
};

/** The titles of a resource's standard pages, from its name. */
export function pageTitles({ one, many }: ResourceName): Record<string, string> {
  const a = one.toLowerCase();
  return { list: many, show: `${one} details`, new: `Add ${a}`, edit: `Edit ${a}`, delete: `Delete ${a}` };
}

const actions = {
  list: 'All records',
  show: 'Details',
  new: 'Add',
  edit: 'Edit',
  delete: 'Delete',
  bulkDelete: 'Delete selected',
  exportCsv: 'Export CSV',
  search: 'Search',
};

const buttons = {
  save: 'Save',
  addNewItem: 'Add another',
  filter: 'Filter',
  filterActive: 'Filter ({{count}})',
  applyChanges: 'Apply filters',
  resetFilter: 'Reset',
  confirmRemovalMany: 'Delete {{count}} record',
  confirmRemovalMany_plural: 'Delete {{count}} records',
  logout: 'Sign out',
  login: 'Sign in',
  createFirstRecord: 'Add the first one',
  cancel: 'Cancel',
  confirm: 'Confirm',
};

const labels = {
  navigation: 'Menu',
  pages: 'Pages',
  selectedRecords: 'Selected ({{selected}})',
  filters: 'Filters',
  dashboard: 'Dashboard',
};

const messages = {
  successfullyCreated: 'Added: the new record is saved.',
  successfullyUpdated: 'Saved: your changes are stored.',
  successfullyDeleted: 'Deleted: the record is gone.',
  successfullyBulkDeleted: 'Deleted {{count}} record.',
  successfullyBulkDeleted_plural: 'Deleted {{count}} records.',
  thereWereValidationErrors: 'Nothing was saved: please correct the fields marked below.',
  forbiddenError: 'You may not do "{{actionName}}" on {{resourceId}}.',
  anyForbiddenError: 'You may not do that.',
  bulkDeleteError: 'Nothing was deleted: the records could not be removed.',
  errorFetchingRecords: 'The records could not be loaded. Please reload the page.',
  errorFetchingRecord: 'The record could not be loaded. Please reload the page.',
  noRecordsSelected: 'No records are selected.',
  theseRecordsWillBeRemoved: 'This record will be deleted:',
  theseRecordsWillBeRemoved_plural: 'These records will be deleted:',
  pickSomeFirstToRemove: 'Select the records to delete first.',
  noRecordsInResource: 'There are no records here yet.',
  noRecords: 'No records match.',
  confirmDelete: 'Delete this record? This cannot be undone.',
  invalidCredentials: 'Wrong e-mail or password.',
};

/**
 * Labels of columns many tables have. A resource labels its own columns
 * (and may relabel these: an order's `user_id` is its "Customer", a
 * review's its "Author").
 */
const properties = {
  id: 'ID',
  name: 'Name',
  description: 'Description',
  created_at: 'Created',
  updated_at: 'Last changed',
  user_id: 'Customer',
  product_id: 'Product',
  order_id: 'Order',
  category_id: 'Category',
  admin_id: 'Admin',
  quantity: 'Quantity',
  price: 'Price',
  stock: 'Stock',
  image_url: 'Image',
  archived: 'Archived',
  rating_avg: 'Rating',
  review_count: 'Reviews',
  sales_count: 'Sold',
  sort_order: 'Position',
  action: 'Action',
  target_type: 'Resource',
  target_id: 'Record',
  details: 'Details',
  from: 'From',
  to: 'To',
};

/**
 * The panel's `en` translations: these global words, and every resource's
 * page titles under its own words (resourceTranslations() of resources/).
 */
export function panelWords(resourceWords: Record<string, LocaleTranslationsBlock>): LocaleTranslations {
  const ids = new Set([...Object.keys(RESOURCE_NAMES), ...Object.keys(resourceWords)]);
  const resources = Object.fromEntries(
    [...ids].map((id): [string, LocaleTranslationsBlock] => {
      const own = resourceWords[id] ?? {};
      const name = RESOURCE_NAMES[id];
      const titles = name ? pageTitles(name) : {};
      const itsActions = typeof own.actions === 'object' ? own.actions : {};
      return [id, { ...own, actions: { ...titles, ...itsActions } }];
    }),
  );
  const names = Object.fromEntries(Object.entries(RESOURCE_NAMES).map(([id, { many }]) => [id, many]));
  // The breadcrumbs translate an action by its name alone (`actions.<name>`): resources' own
  // actions ("ship": "Ship order") need a global word too; the standard ones keep theirs.
  const ownActions = Object.values(resourceWords).flatMap((words) =>
    typeof words.actions === 'object' ? Object.entries(words.actions as Record<string, string>) : [],
  );
  const liftedActions = Object.fromEntries(ownActions.filter(([name]) => !Object.hasOwn(actions, name)).reverse());
  return {
    actions: { ...liftedActions, ...actions },
    buttons,
    labels: { ...labels, ...names },
    messages,
    properties,
    resources,
  };
}
