/**
 * Pieces every staff write path shares: a record's values as the audit log
 * compares them, the locked row a change starts from, and checking a record
 * against its model's rules with every refused field in one 422.
 */
import { type Model, type ModelStatic, type Transaction, ValidationError as ModelValidationError } from 'sequelize';
import { NotFoundError, ValidationError } from '../errors.js';
import type { FieldError } from '../schemas/problem.js';

/** A record's column values. */
export type Row = Record<string, unknown>;

/** A record before and after one write: `before` is null for a create, `after` null for a delete. */
export interface RecordChange {
  before: Row | null;
  after: Row | null;
}

/** A copy of a record's values (`get({ plain: true })` alone is the live dataValues, which an update changes). */
export const snapshot = (instance: Model): Row => ({ ...(instance.get({ plain: true }) as Row) });

/** Only the named fields of `values` (a form may post more). */
export function only<T extends object>(values: T, fields: readonly (keyof T & string)[]): T {
  return Object.fromEntries(fields.filter((field) => field in values).map((field) => [field, values[field]])) as T;
}

/** The row `id` of `model`, locked for the rest of `transaction`; 404 when there is none. */
export async function lockedRow<M extends Model>(
  model: ModelStatic<M>,
  id: number,
  transaction: Transaction,
  what = 'Record',
): Promise<M> {
  const instance = Number.isSafeInteger(id)
    ? await model.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE })
    : null;
  if (!instance) throw new NotFoundError(`${what} ${id} does not exist.`);
  return instance;
}

/** The model's refusals as field errors (each field once, with its rule's message). */
export function fieldErrorsOf(error: ModelValidationError): FieldError[] {
  const byField = new Map<string, string>();
  for (const item of error.errors) {
    const field = item.path ?? 'body';
    if (!byField.has(field)) byField.set(field, item.message);
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}

/**
 * 422 listing every field `instance` breaks (its model's rules) together
 * with `found`, the caller's own refusals; nothing when all is well.
 */
export async function assertValid(instance: Model, found: FieldError[] = [], skip: string[] = []): Promise<void> {
  const errors = [...found];
  try {
    await instance.validate({ skip });
  } catch (error) {
    if (!(error instanceof ModelValidationError)) throw error;
    const named = new Set(errors.map((item) => item.field));
    errors.push(...fieldErrorsOf(error).filter((item) => !named.has(item.field)));
  }
  if (errors.length > 0) throw new ValidationError(errors);
}

/**
 * Checks `instance` against its model's rules (422 with every refused field,
 * `found` included), saves it in `transaction` and re-reads it, so that the
 * caller compares stored values, not a form's strings. Returns the stored values.
 */
export async function saveChecked(instance: Model, transaction: Transaction, found: FieldError[] = []): Promise<Row> {
  await assertValid(instance, found);
  await instance.save({ transaction });
  await instance.reload({ transaction });
  return snapshot(instance);
}
