'use strict';
/**
 * Timeouts that survive PgBouncer's transaction mode. The pooler refuses
 * startup parameters (statement_timeout in the connection options) and
 * lends a different server connection to each transaction, so session SETs
 * are lost or leak. What it keeps: settings PostgreSQL itself applies to
 * every new server connection, such as a role's settings in one database.
 * The app adds SET LOCAL at the start of each transaction (src/db.ts); these
 * cover single statements outside transactions.
 */

/** Milliseconds a session may sit idle inside a transaction (same figure as src/db.ts). */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60000;

/**
 * `ALTER ROLE <role> IN DATABASE <current database> SET ...` for the
 * statement and idle-in-transaction timeouts, on `client` (a direct
 * connection). `role` is the one the app connects as (DATABASE_URL's user);
 * unset: the connecting role. A role may set its own; another needs
 * CREATEROLE or a superuser.
 */
async function applyRoleTimeouts(client, { role, statementTimeoutMs }) {
  await client.query(
    `DO $$ BEGIN
       EXECUTE format('ALTER ROLE %I IN DATABASE %I SET statement_timeout = %L', ${role ? literal(role) : 'current_user'}, current_database(), '${Number(statementTimeoutMs)}ms');
       EXECUTE format('ALTER ROLE %I IN DATABASE %I SET idle_in_transaction_session_timeout = %L', ${role ? literal(role) : 'current_user'}, current_database(), '${IDLE_IN_TRANSACTION_TIMEOUT_MS}ms');
     END $$`,
  );
}

/** A SQL string literal. */
function literal(text) {
  return `'${String(text).replace(/'/g, "''")}'`;
}

/** The user name in a PostgreSQL URL (undefined when the URL names none). */
function urlUser(url) {
  const user = decodeURIComponent(new URL(url).username);
  return user || undefined;
}

module.exports = { applyRoleTimeouts, urlUser, IDLE_IN_TRANSACTION_TIMEOUT_MS };
