'use strict';
/**
 * How usernames and e-mail addresses are spelled when stored, shared by the
 * app's User model and the seeders (the users table's CHECKs refuse any
 * other spelling). Look-alikes are the database's business: see
 * account_skeleton() in migrations/20261202000010-users-name-skeletons.cjs.
 */

/**
 * A username or e-mail as stored: NFKC-normalised, so fullwidth letters,
 * ligatures such as ﬁ and other compatibility forms become the plain
 * letters they stand for, before any rule checks them. Anything but a
 * string is returned as it is, for validation to refuse.
 */
function normalizeAccountName(value) {
  return typeof value === 'string' ? value.normalize('NFKC') : value;
}

module.exports = { normalizeAccountName };
