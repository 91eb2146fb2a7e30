'use strict';
/**
 * The first staff account, from ADMIN_EMAIL / ADMIN_PASSWORD. Does nothing if
 * a user with that email already exists, whatever its role, state or
 * password: it never resets a password, re-activates or promotes anyone (an
 * account that lost its admin access is given it back on purpose, with
 * `npm run staff -- promote <email>`: docs/OPERATIONS.md). Stops if another
 * account's e-mail merely looks like it.
 *
 * Undoing it deletes that admin only if he never acted (no admin_logs rows)
 * and is not the last active admin (PostgreSQL would refuse that anyway:
 * migration 20261203000050); otherwise he stays.
 */
const { required, seedPassword, hash } = require('../db/seed-helpers.cjs');
const { normalizeAccountName } = require('../db/account-names.cjs');

/** ADMIN_EMAIL as the users table stores it. */
const adminEmail = () => normalizeAccountName(required('ADMIN_EMAIL', 'the staff e-mail address').trim());

module.exports = {
  async up(queryInterface) {
    const email = adminEmail();
    const [existing] = await queryInterface.sequelize.query(
      `SELECT id, lower(email) = lower(:email) AS same FROM users WHERE email_skeleton = account_skeleton(:email)`,
      { replacements: { email } },
    );
    if (existing[0]?.same) return;
    if (existing[0]) throw new Error(`ADMIN_EMAIL ${email} looks like the e-mail of user ${existing[0].id}`);
    const now = new Date();
    await queryInterface.bulkInsert('users', [
      {
        username: 'admin',
        email,
        password_hash: await hash(seedPassword('ADMIN_PASSWORD')),
        role: 'admin',
        is_active: true,
        created_at: now,
        updated_at: now,
      },
    ]);
  },

  async down(queryInterface) {
    const email = adminEmail();
    await queryInterface.sequelize.query(
      `DELETE FROM users WHERE lower(email) = lower(:email) AND role = 'admin'
         AND NOT EXISTS (SELECT 1 FROM admin_logs WHERE admin_id = users.id)
         AND (NOT is_active OR EXISTS (
           SELECT 1 FROM users other WHERE other.id <> users.id AND other.role = 'admin' AND other.is_active))`,
      { replacements: { email } },
    );
  },
};
