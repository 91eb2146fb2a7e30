/** Password hashing with bcrypt at the configured cost. */
import bcrypt from 'bcrypt';
import { config } from '../config.js';
import { ValidationError } from '../errors.js';

/** Hashes a password with bcrypt at BCRYPT_COST. */
export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, config.auth.bcryptCost);
}

// A real hash of a random string at the configured cost, made once, so that a
// login for an unknown user costs as much as one for a known user.
let dummyHash: Promise<string> | undefined;

/**
 * Compares a password with a stored hash. With no hash (unknown user) it
 * still runs a full bcrypt compare against a dummy hash and returns false, so
 * response times do not reveal which accounts exist.
 */
export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword(`dummy-${Math.random()}`);
    await bcrypt.compare(password, await dummyHash);
    return false;
  }
  return bcrypt.compare(password, hash);
}

/** bcrypt reads at most this many bytes of a password. */
export const MAX_PASSWORD_BYTES = 72;

/**
 * Refuses (422 on `field`) a password longer than bcrypt can hash: bcrypt
 * would silently ignore everything after the 72nd byte. The character limits
 * are enforced by the request schema; this catches multi-byte characters.
 */
export function assertPasswordFits(password: string, field: string): void {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new ValidationError([{ field, message: `must be at most ${MAX_PASSWORD_BYTES} bytes` }]);
  }
}
