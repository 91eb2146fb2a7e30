/** Which field and parameter names the panel passes on to AdminJS. */

/**
 * A field name AdminJS can take. It makes regular expressions of names
 * without escaping them (utils/flat/property-key-regex.js: a name with `[` is
 * a SyntaxError, a 500), and resolves them as dotted paths on plain objects
 * (`constructor.x`, `toString` reach Object.prototype: a 500 too). The
 * panel's own forms post column names, array indexes and dots only.
 */
const FIELD_NAME = /^[\w~-]+(?:\.[\w~-]+)*$/;

/** Whether AdminJS can take `name` as a field or query parameter name (see FIELD_NAME). */
export function allowedName(name: string): boolean {
  return FIELD_NAME.test(name) && !name.split('.').some((part) => part in Object.prototype || part === 'prototype');
}
