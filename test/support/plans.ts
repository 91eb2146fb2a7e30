/**
 * Reading query plans in tests: the statements Sequelize sent while some
 * work ran, and how many rows each one's plan (EXPLAIN ANALYZE) read from
 * the tables that matter. Plans are judged by rows read, not by time: the
 * test machine's timing says little, the rows a plan touches say what it
 * will cost at scale.
 */
import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db.js';

/** A statement as Sequelize sent it. */
export interface Statement {
  sql: string;
  bind?: unknown[];
}

/** A node of a JSON plan (EXPLAIN's FORMAT JSON). */
export type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

/** Every node of a plan, depth first. */
export const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** The SELECTs Sequelize runs while `work` runs (EXPLAINs and transaction control left out). */
export async function selectsDuring(work: () => Promise<unknown>): Promise<Statement[]> {
  const seen: Statement[] = [];
  const { options } = sequelize as unknown as { options: { logging: unknown } };
  const before = options.logging;
  options.logging = (message: string, queryOptions?: { bind?: unknown[] }) => {
    const sql = message.replace(/^Executing \([^)]*\): /, '');
    if (/^\s*(WITH|SELECT)\b/i.test(sql)) seen.push({ sql, bind: queryOptions?.bind });
  };
  try {
    await work();
  } finally {
    options.logging = before;
  }
  return seen;
}

/** How a statement's plan read `tables`. */
export interface Reads {
  /** Rows its scans of those tables returned or filtered out, times their loops. */
  rows: number;
  /** Node types of those scans (e.g. "Seq Scan", "Index Scan"). */
  scans: string[];
  /** The whole plan, for failure messages. */
  plan: string;
}

/** Runs `statement` under EXPLAIN (ANALYZE, BUFFERS) and counts what its scans of `tables` read. */
export async function readsOf(statement: Statement, tables: string[]): Promise<Reads> {
  const [row] = await sequelize.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.sql}`,
    { bind: statement.bind, type: QueryTypes.SELECT },
  );
  const plan = row!['QUERY PLAN'][0]!.Plan;
  const scans = nodesOf(plan).filter((node) => tables.includes(node['Relation Name'] as string));
  const count = (node: PlanNode, key: string) => Number(node[key] ?? 0);
  const rows = scans.reduce(
    (sum, node) =>
      sum +
      (count(node, 'Actual Rows') +
        count(node, 'Rows Removed by Filter') +
        count(node, 'Rows Removed by Index Recheck')) *
        Math.max(1, count(node, 'Actual Loops')),
    0,
  );
  return { rows, scans: scans.map((node) => node['Node Type'] as string), plan: JSON.stringify(plan) };
}

/** ANALYZE, since autovacuum may be off (it is on the development machine): plans need statistics. */
export const analyze = (...tables: string[]): Promise<unknown> => sequelize.query(`ANALYZE ${tables.join(', ')}`);
