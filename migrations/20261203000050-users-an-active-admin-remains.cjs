'use strict';

/**
 * The last active admin cannot be demoted, deactivated or deleted, whoever
 * writes: the panel, the API, a script, a seeder or a psql session. Two
 * constraint triggers on users (one for UPDATE OF role, is_active, one for
 * DELETE; a DELETE trigger's WHEN cannot name NEW) fire for a row that was
 * an active admin and no longer is, at the end of the statement, and refuse
 * it with SQLSTATE P0A01 (a code of our own in PL/pgSQL's class) when no
 * active admin is left. DETAIL carries the last admin's username, for the
 * app's words (src/services/staff-guard.ts).
 *
 * Why the advisory lock: two transactions demoting the last two admins each
 * see the other still active and would both pass. The lock serialises the
 * checks; under READ COMMITTED (the app's isolation) each PL/pgSQL statement
 * takes a fresh snapshot, so the check after the lock sees the other's
 * committed demotion (locks are released after the commit is visible) and
 * the second one is refused. A SERIALIZABLE transaction is covered by SSI (a
 * serialization failure instead); a REPEATABLE READ one checks its own old
 * snapshot and is not covered. The lock is only taken when an active admin
 * loses that status, so other writes to users never wait for it.
 *
 * TRUNCATE is not a row event and is not refused (it wipes every account).
 * DEFERRABLE: a transaction may `SET CONSTRAINTS users_an_active_admin_remains
 * DEFERRED` to hand over from one admin to another in two statements.
 */
const TRIGGERS = {
  users_an_active_admin_remains: `AFTER UPDATE OF role, is_active ON users DEFERRABLE INITIALLY IMMEDIATE
     FOR EACH ROW WHEN (OLD.role = 'admin' AND OLD.is_active AND NOT (NEW.role = 'admin' AND NEW.is_active))`,
  users_an_active_admin_remains_on_delete: `AFTER DELETE ON users DEFERRABLE INITIALLY IMMEDIATE
     FOR EACH ROW WHEN (OLD.role = 'admin' AND OLD.is_active)`,
};

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.sequelize.query(
        `CREATE FUNCTION users_an_active_admin_remains() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           PERFORM pg_advisory_xact_lock(hashtext('users_an_active_admin_remains'));
           IF NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND is_active) THEN
             RAISE EXCEPTION 'At least one active admin must remain: % is the last one.', OLD.username
               USING ERRCODE = 'P0A01', DETAIL = OLD.username,
                     HINT = 'Make another account an active admin first.';
           END IF;
           RETURN NULL;
         END;
         $$`,
        { transaction },
      );
      for (const [name, definition] of Object.entries(TRIGGERS)) {
        await queryInterface.sequelize.query(
          `CREATE CONSTRAINT TRIGGER ${name} ${definition} EXECUTE FUNCTION users_an_active_admin_remains()`,
          { transaction },
        );
      }
    });
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(
      `${Object.keys(TRIGGERS)
        .map((name) => `DROP TRIGGER IF EXISTS ${name} ON users;`)
        .join('\n')}
       DROP FUNCTION IF EXISTS users_an_active_admin_remains();`,
    );
  },
};
