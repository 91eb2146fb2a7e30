/**
 * Field checks the models run on every create and update made through them
 * (the services, the admin panel, seed helpers). The shop's rules and their
 * messages live in src/rules.ts; this is a column-only one.
 */
import { isWebUrl } from '../lib/urls.js';

/** Empty, or an http(s) URL. */
export function isHttpUrl(value: unknown): void {
  if (value === null || value === undefined || value === '') return;
  if (typeof value !== 'string' || !isWebUrl(value)) throw new Error('Image URL must be an http or https URL');
}
