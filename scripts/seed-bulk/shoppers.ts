/**
 * The password every shopper seed:bulk makes can log in with, so that a
 * benchmark can log its shoppers in through the real login. One bcrypt hash
 * is computed per run, at BCRYPT_COST (12 unless set: the production cost,
 * so that logins cost what they cost in production), and shared by all.
 */
import bcrypt from 'bcrypt';

/** The bulk shoppers' password (a development fixture, like DEMO_PASSWORD). */
export const SHOPPER_PASSWORD = 'bulk-shopper-password';

/** The bcrypt hash of SHOPPER_PASSWORD at `cost`. */
export function shopperPasswordHash(cost: number): Promise<string> {
  return bcrypt.hash(SHOPPER_PASSWORD, cost);
}
