/**
 * What each table needs around a panel change, beyond "write it and log it":
 * which columns the panel may never set, how form values become column
 * values, when a delete must keep the row, and what to do after commit
 * (caches, logins). The rules themselves live in the services; this only
 * calls them.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import { ValidationError } from 'adminjs';
import { assertPasswordFits, hashPassword } from '../auth/passwords.js';
import { revokeAllFamilies } from '../auth/sessions.js';
import { sequelize } from '../db.js';
import { ValidationError as ApiValidationError } from '../errors.js';
import { invalidateCartsHolding } from '../services/cart-service.js';
import { invalidateCatalog, invalidateProducts, invalidateReviews } from '../services/catalog-cache.js';
import { refreshProductRating } from '../services/review-service.js';
import { takenName } from '../services/user-service.js';

/** A record's column values. */
export type Row = Record<string, unknown>;

/** One audited change to one record. */
export interface Change {
  /** "create", "edit", "delete", "bulkDelete" or "archive". */
  action: string;
  id: string;
  before: Row | null;
  after: Row | null;
}

/** Per-table rules for panel changes. */
export interface ResourcePolicy {
  /** Columns kept by the services (ratings, counters): never taken from a form. */
  readOnly?: string[];
  /** Turns form values into column values (`existing` is null on create). */
  prepare?(values: Row, existing: Row | null): Promise<Row>;
  /** Keeps a row instead of deleting it: returns the row as kept, or undefined to delete. */
  softDelete?(row: Row, transaction: Transaction): Promise<Row | undefined>;
  /** Runs inside the change's transaction, after the write. */
  afterWrite?(change: Change, transaction: Transaction): Promise<void>;
  /** Runs after commit (caches, logins). Failures are logged, never undo the change. */
  afterCommit?(changes: Change[]): Promise<void>;
  /** What the panel shows for a refused write (a field error), or the error as it is. */
  explain?(error: unknown): unknown;
}

const ids = (changes: Change[]): number[] => changes.map((change) => Number(change.id));

const policies: Record<string, ResourcePolicy> = {
  products: {
    readOnly: ['rating_avg', 'review_count', 'sales_count'],
    // A product that was ever ordered stays (order lines point at it): it is archived instead.
    async softDelete(row, transaction) {
      const [ordered] = await sequelize.query('SELECT 1 FROM order_items WHERE product_id = $1 LIMIT 1', {
        bind: [row.id],
        type: QueryTypes.SELECT,
        transaction,
      });
      if (!ordered) return undefined;
      await sequelize.query('UPDATE products SET archived = true, updated_at = now() WHERE id = $1', {
        bind: [row.id],
        transaction,
      });
      return { ...row, archived: true };
    },
    async afterCommit(changes) {
      await Promise.all([invalidateProducts(ids(changes)), invalidateCartsHolding(ids(changes))]);
    },
  },

  categories: {
    async afterCommit() {
      await invalidateCatalog();
    },
  },

  users: {
    // Staff type a new password in plain text; only its bcrypt hash is stored (and never logged).
    async prepare(values, existing) {
      const { new_password: typed, ...rest } = values;
      const password = typeof typed === 'string' ? typed : '';
      if (!password) {
        if (!existing) throw new ValidationError({ new_password: { message: 'A new account needs a password.' } });
        return rest;
      }
      if (password.length < 8) throw new ValidationError({ new_password: { message: 'At least 8 characters.' } });
      try {
        assertPasswordFits(password, 'new_password');
      } catch (error) {
        if (error instanceof ApiValidationError)
          throw new ValidationError({ new_password: { message: 'At most 72 bytes.' } });
        throw error;
      }
      return { ...rest, password_hash: await hashPassword(password) };
    },
    // A taken username or e-mail (in any case, or a look-alike: the users indexes) reads as it does in the API.
    explain(error) {
      const taken = takenName(error);
      return taken ? new ValidationError({ [taken.field]: { message: taken.message } }) : error;
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
    async afterWrite(change, transaction) {
      await refreshProductRating(Number((change.before ?? change.after)?.product_id), transaction);
    },
    async afterCommit(changes) {
      for (const change of changes) await invalidateReviews(Number((change.before ?? change.after)?.product_id));
    },
  },
};

/** The rules of a table (none for tables without special needs). */
export const policyFor = (table: string): ResourcePolicy => policies[table] ?? {};
