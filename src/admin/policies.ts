/**
 * Which service each table's panel changes go through, and what the panel
 * does around them: columns no form may set, how form fields are named in
 * the services, what to do after commit (caches, logins) and how a refusal
 * is shown. The rules themselves live in the services and src/rules.ts;
 * this only calls them, so a panel write and the API keep the same rules.
 */
import type { Transaction } from 'sequelize';
import { revokeAllFamilies } from '../auth/sessions.js';
import { ValidationError as ApiValidationError } from '../errors.js';
import { invalidateCartsHolding } from '../services/cart-service.js';
import {
  createCategory,
  createProduct,
  removeCategory,
  removeProduct,
  updateCategory,
  updateProduct,
} from '../services/catalog-admin-service.js';
import { invalidateCatalog, invalidateProducts, invalidateReviews } from '../services/catalog-cache.js';
import { type RecordChange, type Row, snapshot } from '../services/record-changes.js';
import { deleteReview } from '../services/review-service.js';
import {
  type AccountChanges,
  type NewAccount,
  createAccount,
  removeAccount,
  takenName,
  updateAccount,
} from '../services/user-service.js';

export type { Row } from '../services/record-changes.js';

/** One audited change to one record. */
export interface Change {
  /** "create", "edit", "delete", "bulkDelete" or "archive". */
  action: string;
  id: string;
  before: Row | null;
  after: Row | null;
}

/** A removal as a service reports it: `after` is the row as kept when it was archived instead. */
export type Removal = RecordChange & { archived?: boolean };

/** Per-table panel writes, each through the table's service, in the transaction that also holds the audit row. */
export interface ResourcePolicy {
  /** Columns kept by the services (ratings, counters): never taken from a form. */
  readOnly?: string[];
  /** Creates a record from form values. */
  create?: (values: Row, transaction: Transaction) => Promise<RecordChange>;
  /** Changes record `id` with form values. */
  update?: (id: number, values: Row, transaction: Transaction) => Promise<RecordChange>;
  /** Deletes record `id`, or keeps it (archived) where the service says so. */
  remove?: (id: number, transaction: Transaction) => Promise<Removal>;
  /** Form field names of the service's fields, where they differ (the users form's `new_password`). */
  formNames?: Record<string, string>;
  /** Runs after commit (caches, logins). Failures are logged, never undo the change. */
  afterCommit?(changes: Change[]): Promise<void>;
  /** What the panel shows for a refused write (a field error), or the error as it is. */
  explain?(error: unknown): unknown;
}

const ids = (changes: Change[]): number[] => changes.map((change) => Number(change.id));

/** A form's empty text field as "no value" (null), as the API's `phone: null` is. */
const emptyAsNull = (value: unknown): unknown => (value === '' ? null : value);

/** The users form as the account service takes it: a typed `new_password` is a password (re)set. */
function accountChanges(values: Row): AccountChanges {
  const { new_password: typed, phone, ...rest } = values;
  const changes: AccountChanges = { ...(rest as AccountChanges) };
  if (phone !== undefined) changes.phone = emptyAsNull(phone) as string | null;
  if (typeof typed === 'string' && typed !== '') changes.password = typed;
  return changes;
}

const policies: Record<string, ResourcePolicy> = {
  products: {
    readOnly: ['rating_avg', 'review_count', 'sales_count'],
    create: (values, transaction) => createProduct(values, transaction),
    update: (id, values, transaction) => updateProduct(id, values, transaction),
    // A product that was ever ordered stays (order lines point at it): the service archives it instead.
    remove: (id, transaction) => removeProduct(id, transaction),
    async afterCommit(changes) {
      await Promise.all([invalidateProducts(ids(changes)), invalidateCartsHolding(ids(changes))]);
    },
  },

  categories: {
    create: (values, transaction) => createCategory(values, transaction),
    update: (id, values, transaction) => updateCategory(id, values, transaction),
    remove: (id, transaction) => removeCategory(id, transaction),
    async afterCommit() {
      await invalidateCatalog();
    },
  },

  users: {
    // The same function as registration: the same rules, and a typed password stored only as its hash.
    create: async (values, transaction) => {
      const { password = '', ...account } = accountChanges(values);
      const user = await createAccount({ ...account, password } as NewAccount, transaction);
      return { before: null, after: snapshot(user) };
    },
    update: (id, values, transaction) => updateAccount(id, accountChanges(values), transaction),
    remove: (id, transaction) => removeAccount(id, transaction),
    formNames: { password: 'new_password' },
    // A taken username or e-mail (in any case, or a look-alike) reads as it does in the API, beside its field.
    explain(error) {
      const taken = takenName(error);
      return taken ? new ApiValidationError([{ field: taken.field, message: taken.message }]) : error;
    },
    // Deactivating, demoting or resetting the password of an account ends its logins at once.
    async afterCommit(changes) {
      for (const { id, before, after } of changes) {
        const ended =
          !after ||
          (before?.is_active === true && after.is_active === false) ||
          before?.role !== after.role ||
          before?.password_hash !== after.password_hash;
        if (before && ended) await revokeAllFamilies(Number(id));
      }
    },
  },

  reviews: {
    // Reviews are written by shoppers; staff hide, show (review-actions.ts) or delete them.
    remove: (id, transaction) => deleteReview(id, transaction),
    async afterCommit(changes) {
      for (const change of changes) await invalidateReviews(Number((change.before ?? change.after)?.product_id));
    },
  },
};

/** The rules of a table (none for tables without special needs). */
export const policyFor = (table: string): ResourcePolicy => policies[table] ?? {};
