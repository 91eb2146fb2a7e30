/** Password hashing with bcrypt at the configured cost. */
import bcrypt from 'bcrypt';
import { config } from '../config.js';
import { ValidationError } from '../errors.js';
import { PASSWORD } from '../rules.js';

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
  // bcrypt reads only the first 72 bytes: longer text would match on its prefix. No stored password is
  // longer (the PASSWORD rule), so such a guess is wrong; it still costs a full compare, like any other.
  const possible = Buffer.byteLength(password, 'utf8') <= PASSWORD.maxBytes;
  if (!hash || !possible) {
    dummyHash ??= hashPassword(`dummy-${Math.random()}`);
    await bcrypt.compare(password, await dummyHash);
    return false;
  }
  return bcrypt.compare(password, hash);
}

/**
 * Refuses (422 on `field`, with the PASSWORD rule's message) a password the
 * rule refuses: too short, or longer than bcrypt can hash (it would silently
 * ignore everything after the 72nd byte), which the request schema's
 * character limits cannot see in multi-byte text.
 */
export function assertPasswordFits(password: string, field: string): void {
  if (!PASSWORD.accepts(password)) throw new ValidationError([{ field, message: PASSWORD.message }]);
}
