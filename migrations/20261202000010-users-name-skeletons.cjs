'use strict';

const { pairs, confusablesVersion } = require('../db/skeleton-map.cjs');

/**
 * Look-alike usernames and e-mails count as taken. users.username_skeleton
 * and email_skeleton hold account_skeleton() of the name (UTS #39 skeleton of
 * the case-folded text; see scripts/skeleton-map.ts) and are unique, so two
 * concurrent look-alikes cannot both get in.
 *
 * They are generated columns rather than values the app computes: every
 * writer gets them (the models, the seeders' bulk inserts, bench/ and the
 * drills' raw SQL, a psql session), none can set them wrong, and there is
 * one implementation. The character table is a jsonb constant inside the
 * function, so the function is honestly IMMUTABLE (generated columns need
 * that) and PL/pgSQL plans it once per connection: about 30 µs a name after
 * the first call (4 ms), measured on this machine.
 *
 * Names are stored NFKC-normalised (the app normalises before validating;
 * the CHECKs stop raw SQL that does not). Existing rows are normalised here;
 * rows that are look-alikes of each other stop the migration with their ids
 * (which one keeps its name is for a person to decide). Undoing keeps the
 * normalised names.
 */

const chars = (hex) => (hex === '' ? '' : String.fromCodePoint(...hex.split(' ').map((point) => parseInt(point, 16))));

/** The table as a jsonb literal, ASCII only (\u escapes), quoted for SQL. */
function mapLiteral() {
  const json = JSON.stringify(Object.fromEntries(pairs.map(([from, to]) => [chars(from), chars(to)])));
  const ascii = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${ascii.replace(/'/g, "''")}'::jsonb`;
}

const createFunction = () => `
CREATE FUNCTION account_skeleton(name text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $function$
DECLARE
  skeleton text := '';
  ch text;
BEGIN
  -- The literal stays inside the expression: a constant variable would be copied on every call.
  FOREACH ch IN ARRAY regexp_split_to_array(normalize(name, NFD), '') LOOP
    skeleton := skeleton || coalesce(${mapLiteral()} ->> ch, ch);
  END LOOP;
  RETURN normalize(skeleton, NFD);
END
$function$;
COMMENT ON FUNCTION account_skeleton(text) IS
  'Skeleton of a username or e-mail (confusables.txt ${confusablesVersion}, case-folded): equal skeletons look alike.';`;

/** Ids of accounts whose (normalised) names look alike, per field. */
async function lookAlikes(queryInterface, transaction) {
  const [rows] = await queryInterface.sequelize.query(
    `SELECT field, string_agg(ids, '; ') AS groups FROM (
       SELECT 'username' AS field, string_agg(id::text, ', ' ORDER BY id) AS ids FROM users
        GROUP BY account_skeleton(normalize(username, NFKC)) HAVING count(*) > 1
       UNION ALL
       SELECT 'email', string_agg(id::text, ', ' ORDER BY id) FROM users
        GROUP BY account_skeleton(normalize(email, NFKC)) HAVING count(*) > 1
     ) clashes GROUP BY field`,
    { transaction },
  );
  return rows.map((row) => `${row.field}: users ${row.groups}`);
}

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      const run = (sql) => queryInterface.sequelize.query(sql, { transaction });
      await run(createFunction());
      const clashes = await lookAlikes(queryInterface, transaction);
      if (clashes.length > 0) {
        throw new Error(
          `Accounts with look-alike names; rename all but one of each group first: ${clashes.join(' | ')}`,
        );
      }
      await run(`UPDATE users SET username = normalize(username, NFKC), email = normalize(email, NFKC)
                  WHERE NOT (username IS NFKC NORMALIZED AND email IS NFKC NORMALIZED)`);
      await run(`ALTER TABLE users
          ADD COLUMN username_skeleton text GENERATED ALWAYS AS (account_skeleton(username)) STORED,
          ADD COLUMN email_skeleton text GENERATED ALWAYS AS (account_skeleton(email)) STORED,
          ADD CONSTRAINT users_username_nfkc CHECK (username IS NFKC NORMALIZED),
          ADD CONSTRAINT users_email_nfkc CHECK (email IS NFKC NORMALIZED);
        CREATE UNIQUE INDEX users_username_skeleton_key ON users (username_skeleton);
        CREATE UNIQUE INDEX users_email_skeleton_key ON users (email_skeleton);`);
    });
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(
      `ALTER TABLE users
         DROP COLUMN username_skeleton, DROP COLUMN email_skeleton,
         DROP CONSTRAINT users_username_nfkc, DROP CONSTRAINT users_email_nfkc;
       DROP FUNCTION account_skeleton(text);`,
    );
  },
};
