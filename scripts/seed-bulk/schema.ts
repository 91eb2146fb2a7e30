/**
 * Takes the secondary indexes and foreign keys off the tables seed:bulk
 * loads and puts them back afterwards: one sorted index build, and one
 * validating join per foreign key, cost a fraction of maintaining them row
 * by row (a foreign key check is a query and a row lock per inserted row).
 *
 * The definitions are read from the catalog (pg_get_indexdef, which is
 * pg_indexes.indexdef, and pg_get_constraintdef) at the moment of stripping,
 * so an index or constraint a later migration adds is dropped and rebuilt
 * like the others; the loader never carries a copy of the schema. Primary
 * keys stay (other tables' foreign keys need them and ids arrive in order,
 * so they are cheap to keep), and so does any index a foreign key of a table
 * that is not being loaded depends on. Everything happens inside the
 * loader's transaction: a failed load leaves the schema as it was.
 */
import type pg from 'pg';

/** Something dropped, with what recreates it. */
interface Dropped {
  name: string;
  table: string;
  /** CREATE INDEX … or ALTER TABLE … ADD CONSTRAINT … */
  create: string;
  comment: string | null;
  kind: 'index' | 'constraint';
  /** An index's own statistics targets (ALTER INDEX … SET STATISTICS …; pg_get_indexdef leaves them out), or null. */
  statistics?: string | null;
}

/** What strip() took off, in the order restore() must put it back. */
export type Stripped = Dropped[];

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Drops the secondary indexes, unique constraints and foreign keys of `tables`; returns how to recreate them. */
export async function strip(client: pg.Client, tables: string[]): Promise<Stripped> {
  const { rows: foreignKeys } = await client.query<Omit<Dropped, 'kind' | 'create'> & { definition: string }>(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS table, pg_get_constraintdef(c.oid) AS definition,
            obj_description(c.oid, 'pg_constraint') AS comment
       FROM pg_constraint c
      WHERE c.contype = 'f' AND c.conrelid = ANY($1::regclass[])
      ORDER BY c.conrelid::regclass::text, c.conname`,
    [tables],
  );
  // Indexes another table's (kept) foreign key relies on must stay, whatever backs them.
  const keptByForeignKey = `EXISTS (SELECT 1 FROM pg_constraint f
      WHERE f.contype = 'f' AND f.conindid = i.indexrelid AND NOT (f.conrelid = ANY($1::regclass[])))`;
  const { rows: uniques } = await client.query<Omit<Dropped, 'kind' | 'create'> & { definition: string }>(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS table, pg_get_constraintdef(c.oid) AS definition,
            obj_description(c.oid, 'pg_constraint') AS comment
       FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid
      WHERE c.contype IN ('u', 'x') AND c.conrelid = ANY($1::regclass[]) AND NOT ${keptByForeignKey}
      ORDER BY c.conrelid::regclass::text, c.conname`,
    [tables],
  );
  const { rows: indexes } = await client.query<Omit<Dropped, 'kind'>>(
    `SELECT i.indexrelid::regclass::text AS name, i.indrelid::regclass::text AS table,
            pg_get_indexdef(i.indexrelid) AS create, obj_description(i.indexrelid, 'pg_class') AS comment,
            (SELECT string_agg(format('ALTER INDEX %s ALTER COLUMN %s SET STATISTICS %s',
                                      i.indexrelid::regclass, a.attnum, a.attstattarget), '; ')
               FROM pg_attribute a WHERE a.attrelid = i.indexrelid AND a.attstattarget > 0) AS statistics
       FROM pg_index i
      WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisprimary AND NOT ${keptByForeignKey}
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                          AND c.contype IN ('p', 'u', 'x'))
      ORDER BY i.indrelid::regclass::text, i.indexrelid::regclass::text`,
    [tables],
  );
  const constraint = (row: Omit<Dropped, 'kind' | 'create'> & { definition: string }): Dropped => ({
    name: row.name,
    table: row.table,
    comment: row.comment,
    kind: 'constraint',
    create: `ALTER TABLE ${row.table} ADD CONSTRAINT ${ident(row.name)} ${row.definition}`,
  });
  for (const row of foreignKeys) await client.query(`ALTER TABLE ${row.table} DROP CONSTRAINT ${ident(row.name)}`);
  for (const row of uniques) await client.query(`ALTER TABLE ${row.table} DROP CONSTRAINT ${ident(row.name)}`);
  for (const row of indexes) await client.query(`DROP INDEX ${row.name}`);
  // Back in dependency order: indexes, then the unique constraints foreign keys may reference, then the keys.
  return [
    ...indexes.map((row): Dropped => ({ ...row, kind: 'index' })),
    ...uniques.map(constraint),
    ...foreignKeys.map(constraint),
  ];
}

/** Recreates what strip() dropped, reporting each one's seconds (a foreign key's are its validation). */
export async function restore(
  client: pg.Client,
  stripped: Stripped,
  report: (name: string, seconds: number) => void,
): Promise<void> {
  for (const item of stripped) {
    const started = performance.now();
    await client.query(item.create);
    if (item.statistics) await client.query(item.statistics);
    if (item.comment !== null) {
      const target = item.kind === 'index' ? `INDEX ${item.name}` : `CONSTRAINT ${ident(item.name)} ON ${item.table}`;
      await client.query(`COMMENT ON ${target} IS ${client.escapeLiteral(item.comment)}`);
    }
    report(item.name, (performance.now() - started) / 1000);
  }
}
