/**
 * How refused panel writes read: a broken rule's message beside its field
 * (the words the API's 422 uses, from src/rules.ts), anything else a
 * service refused (a conflict, a missing record) or the database refused as
 * a notice in words.
 */
import { ValidationError } from 'adminjs';
import {
  BaseError,
  ForeignKeyConstraintError,
  UniqueConstraintError,
  ValidationError as ModelValidationError,
} from 'sequelize';
import { AppError, ValidationError as ApiValidationError } from '../errors.js';
import type { FieldError } from '../schemas/problem.js';
import { fieldErrorsOf } from '../services/record-changes.js';
import { lastActiveAdminRefusal } from '../services/staff-guard.js';

/** One AdminJS field error per field (the first refusal of each), under the form's names. */
function panelFields(errors: FieldError[], formNames: Record<string, string>): Record<string, { message: string }> {
  const fields: Record<string, { message: string }> = {};
  for (const { field, message } of errors) {
    const name = formNames[field] ?? field;
    fields[name] ??= { message };
  }
  return fields;
}

/**
 * Turns refusals into AdminJS validation errors the panel shows next to the
 * field (a rule's message, as the API's 422 says it) or as a notice (a
 * conflict, a missing record, a database refusal). `formNames` maps service
 * field names to the form's.
 */
export function toPanelError(error: unknown, formNames: Record<string, string> = {}): unknown {
  if (error instanceof ValidationError) return error;
  // The shop's last active admin (staff-guard.ts): said in words, not as a database error.
  const lastAdmin = lastActiveAdminRefusal(error);
  if (lastAdmin) return new ValidationError({}, { message: lastAdmin.message });
  if (error instanceof ApiValidationError) {
    const errors = (error.extensions.errors ?? []) as FieldError[];
    return errors.length > 0
      ? new ValidationError(panelFields(errors, formNames))
      : new ValidationError({}, { message: error.message });
  }
  if (error instanceof ModelValidationError && !(error instanceof UniqueConstraintError)) {
    return new ValidationError(panelFields(fieldErrorsOf(error), formNames));
  }
  // Conflicts, missing records and other refusals a service words itself.
  if (error instanceof AppError && error.status < 500) return new ValidationError({}, { message: error.message });
  if (error instanceof UniqueConstraintError) {
    return new ValidationError(
      panelFields(
        error.errors.map((item) => ({ field: item.path ?? 'base', message: 'This value is already taken.' })),
        formNames,
      ),
    );
  }
  if (error instanceof ForeignKeyConstraintError) {
    return new ValidationError(
      {},
      { message: 'Other records still refer to this one, so it cannot be removed or changed this way.' },
    );
  }
  if (error instanceof BaseError) {
    const parent = (error as { parent?: { code?: string; constraint?: string } }).parent;
    if (parent?.code === '23514') {
      return new ValidationError(
        {},
        { message: `The database refused the value (${parent.constraint ?? 'check constraint'}).` },
      );
    }
  }
  return error;
}
