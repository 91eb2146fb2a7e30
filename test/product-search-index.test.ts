/** Full-text search over a large catalog loaded by the real bulk seeder: the GIN index is used and results match. */
import { spawn } from 'node:child_process';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/context.js';
import { oneRow } from './support/sql.js';

const ctx = useTestApp();

const ROOT = new URL('..', import.meta.url).pathname;
const PRODUCTS = 20_000;

/** Runs scripts/seed-bulk.ts against this worker's database (DATABASE_URL from test/setup.ts). */
function seedBulk(products: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/seed-bulk.ts', '--products', String(products)], {
      cwd: ROOT,
      env: { ...process.env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** Every plan node's index name, depth first. */
function indexesIn(node: Record<string, unknown>): string[] {
  const own = typeof node['Index Name'] === 'string' ? [node['Index Name']] : [];
  const children = (node.Plans as Record<string, unknown>[] | undefined) ?? [];
  return [...own, ...children.flatMap(indexesIn)];
}

describe('search on a bulk-seeded catalog', () => {
  it('loads 20,000 products, searches them through products_search_idx and finds only matches', async () => {
    const { code, output } = await seedBulk(PRODUCTS);
    expect(code, output).toBe(0);
    const { count } = await oneRow<{ count: number }>('SELECT count(*)::int AS count FROM products');
    expect(count).toBeGreaterThanOrEqual(PRODUCTS);

    // The list query's search condition, planned with the planner's defaults (sequential scans allowed).
    const { 'QUERY PLAN': plan } = await oneRow<{ 'QUERY PLAN': { Plan: Record<string, unknown> }[] }>(
      `EXPLAIN (FORMAT JSON) SELECT id FROM products p
        WHERE NOT p.archived AND p.search_vector @@ websearch_to_tsquery('english', 'waterproof')`,
    );
    expect(indexesIn(plan[0]!.Plan), JSON.stringify(plan)).toContain('products_search_idx');

    // The API's total is every listed product whose name or description has the word, counted up to 1,000.
    const { expected } = await oneRow<{ expected: number }>(
      `SELECT count(*)::int AS expected FROM products
        WHERE NOT archived AND (name ILIKE '%waterproof%' OR description ILIKE '%waterproof%')`,
    );
    expect(expected).toBeGreaterThan(0);
    const res = await request(ctx.app).get('/api/v1/products?q=waterproof&page_size=10').expect(200);
    expect(res.body).toMatchObject({ total: Math.min(expected, 1000), total_capped: expected > 1000 });
    expect(res.body.items).toHaveLength(10);

    for (const item of res.body.items as { id: number; name: string }[]) {
      const detail = await request(ctx.app).get(`/api/v1/products/${item.id}`).expect(200);
      expect(`${detail.body.name} ${detail.body.description}`).toMatch(/waterproof/i);
    }
  }, 120_000);
});
