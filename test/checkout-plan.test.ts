/**
 * The checkout's cart check (PRECHECK) reads each cart and product by index
 * even when PostgreSQL has no statistics about carts (autovacuum off, or a
 * bulk change just made): the plan of a sale's check must not depend on them.
 */
import { describe, expect, it } from 'vitest';
import { sequelize } from '../src/db.js';
import { PRECHECK } from '../src/services/checkout-service.js';
import { useTestApp } from './support/context.js';
import { createCategory } from './support/factories.js';
import { oneRow } from './support/sql.js';

useTestApp();

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

/** Every node of a plan, depth first. */
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe('the cart check of a checkout', () => {
  it('uses the carts and products indexes for 200 carts without statistics on carts', async () => {
    const category = await createCategory();
    await sequelize.query(
      `INSERT INTO products (name, description, price, stock, category_id)
       SELECT 'Product ' || n, 'A product', 9.99, 5, $1 FROM generate_series(1, 20000) AS n`,
      { bind: [category.id] },
    );
    await sequelize.query(
      `INSERT INTO users (username, email, password_hash)
       SELECT 'planner' || n, 'planner' || n || '@example.test', 'x' FROM generate_series(1, 2000) AS n`,
    );
    await sequelize.query(
      `INSERT INTO carts (user_id, product_id, quantity)
       SELECT u.id, (SELECT min(id) FROM products) + u.id % 50, 1 FROM users u`,
    );
    await sequelize.query('ANALYZE products');
    // Forgets any statistics autovacuum may have gathered meanwhile (needs a superuser, as the
    // tests' default role is; without one, the fresh rows have none to begin with).
    await sequelize.query(`DELETE FROM pg_statistic WHERE starelid = 'carts'::regclass`).catch(() => undefined);
    const { ids } = await oneRow<{ ids: number[] }>(
      'SELECT array_agg(id) AS ids FROM (SELECT id FROM users LIMIT 200) u',
    );

    const { 'QUERY PLAN': plan } = await oneRow<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      `EXPLAIN (FORMAT JSON) ${PRECHECK.text}`,
      [ids],
    );

    const nodes = nodesOf(plan[0]!.Plan);
    const scans = nodes.filter((node) => node['Relation Name'] !== undefined);
    expect(scans.length, JSON.stringify(plan)).toBeGreaterThan(0);
    for (const scan of scans) expect(scan['Node Type'], JSON.stringify(plan)).not.toBe('Seq Scan');
    const indexes = nodes.map((node) => node['Index Name']);
    expect(indexes).toContain('products_pkey');
    expect(indexes).toContain('carts_user_product_key');
  });
});
