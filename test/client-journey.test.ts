/**
 * A client generated from the served spec is part of the suite: its types
 * compile under a strict tsconfig with no casts, and a shopper's whole
 * journey through it works against the real app (test/client/journey.ts).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cart, Order, OrderItem, Product, Review, User } from '../src/models/index.js';
import { transitionOrder } from '../src/services/order-service.js';
import { runJourney } from './client/journey.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';
import { staffActor } from './support/shop.js';

const ctx = useTestApp();
const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const clientDir = join(root, 'test/client');
const generatedDir = join(clientDir, 'generated');

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer(ctx.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** What a command-line tool did. */
interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a Node CLI from node_modules; resolves with its exit code and output instead of rejecting. */
async function node(script: string, ...args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'node_modules', script), ...args], {
      cwd: root,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return { stdout: '', stderr: '', ...(error as Partial<Ran>), code: (error as Partial<Ran>).code ?? 1 };
  }
}

/** Where to write `file` before renaming it into place, so a parallel tsc or eslint never reads half of it. */
const partialOf = (file: string): string => `${file}.${process.pid}.tmp`;

/** Every cast, non-null assertion, `any` and ts-ignore comment in a TypeScript source, with its line. */
function escapeHatches(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) =>
    found.push(`${what} at line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
  const visit = (node: ts.Node): void => {
    if (ts.isAsExpression(node) && node.type.getText() !== 'const') at(node, 'as');
    if (ts.isTypeAssertionExpression(node)) at(node, '<T> cast');
    if (ts.isNonNullExpression(node)) at(node, '! assertion');
    if (node.kind === ts.SyntaxKind.AnyKeyword) at(node, 'any');
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const match of text.matchAll(/@ts-(ignore|expect-error|nocheck)/g)) found.push(match[0]);
  return found;
}

describe('generated client', () => {
  it('generates types from the served spec and compiles the journey under strict tsc, with no casts', async () => {
    const served = await fetch(`${baseUrl}/openapi.json`);
    expect(served.status).toBe(200);
    await mkdir(generatedDir, { recursive: true });
    const specFile = join(generatedDir, 'openapi.json');
    await writeFile(partialOf(specFile), await served.text());
    await rename(partialOf(specFile), specFile);

    const typesFile = join(generatedDir, 'api.d.ts');
    const generated = await node('openapi-typescript/bin/cli.js', specFile, '-o', partialOf(typesFile));
    expect(generated.code, generated.stderr).toBe(0);
    await rename(partialOf(typesFile), typesFile);
    // The generator checks the spec as it reads it (e.g. that every example fits its schema).
    const warnings = `${generated.stdout}${generated.stderr}`.split('\n').filter((line) => line.includes('⚠'));
    expect.soft(warnings).toEqual([]);

    const compiled = await node('typescript/bin/tsc', '-p', join(clientDir, 'tsconfig.json'));
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);

    const journey = join(clientDir, 'journey.ts');
    expect(escapeHatches(journey, await readFile(journey, 'utf8'))).toEqual([]);
  }, 60_000);

  it('walks a shopper from registration to logout against the served app', async () => {
    await createCategory({ name: 'Empty shelf' });
    const kites = await createCategory({ name: 'Kites' });
    const cheap = await createProduct(kites.id, { name: 'Delta kite', price: '5.00', stock: 10 });
    const dear = await createProduct(kites.id, { name: 'Box kite', price: '50.00', stock: 3 });
    await createProduct(kites.id, { name: 'Sold-out kite', price: '1.00', stock: 0 });
    await createProduct(kites.id, { name: 'Old kite', price: '2.00', archived: true });
    const other = await createCategory({ name: 'Yo-yos' });
    await createProduct(other.id, { name: 'Yo-yo', price: '3.00' });

    const shipped: number[] = [];
    const summary = await runJourney(baseUrl, async (orderId) => {
      await transitionOrder(orderId, 'ship', await staffActor());
      shipped.push(orderId);
    });

    // What the client saw.
    expect(summary.calls.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
      'POST /api/v1/auth/register 201',
      'POST /api/v1/auth/login 200',
      'GET /api/v1/categories 200',
      'GET /api/v1/categories/{category_id} 200',
      'GET /api/v1/products 200',
      'GET /api/v1/products/{product_id} 200',
      'POST /api/v1/cart/items 201',
      'GET /api/v1/cart 200',
      'POST /api/v1/orders 201',
      'POST /api/v1/orders 201',
      'POST /api/v1/orders/{order_id}/pay 200',
      'POST /api/v1/orders/{order_id}/pay 409',
      'POST /api/v1/orders/{order_id}/confirm 200',
      'POST /api/v1/reviews 201',
      'POST /api/v1/auth/refresh 200',
      'POST /api/v1/auth/logout 204',
      'GET /api/v1/users/me 401',
      'GET /api/v1/users/me 401',
      'POST /api/v1/auth/refresh 401',
    ]);
    expect(summary.categoryId).toBe(kites.id);
    expect(summary.listedProducts.map((product) => product.id)).toEqual([cheap.id, dear.id]);
    expect(summary).toMatchObject({ productId: cheap.id, stockBefore: 10, quantity: 2, cartTotal: '10.00' });
    expect(summary.order).toMatchObject({
      id: summary.orderId,
      status: 'completed',
      total_amount: '10.00',
      items: [{ product_id: cheap.id, product_name: 'Delta kite', price: '5.00', quantity: 2, subtotal: '10.00' }],
    });
    expect(summary.payAgain).toEqual({
      type: 'urn:emporium:problem:illegal-transition',
      order_status: 'paid',
      allowed: ['shipped', 'cancelled'],
    });
    expect(summary.replayedSameOrder).toBe(true);
    expect(shipped).toEqual([summary.orderId]);
    for (const problem of [summary.loggedOutProblem, summary.firstTokenProblem, summary.revokedRefreshProblem]) {
      expect(problem).toMatchObject({ status: 401, type: expect.any(String), title: expect.any(String) });
    }

    // What the database holds.
    const user = await User.findOne({ where: { username: summary.username } });
    expect(user).toMatchObject({ id: summary.userId, role: 'customer', is_active: true });
    const orders = await Order.findAll({ where: { user_id: summary.userId } });
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ id: summary.orderId, status: 'completed', total_amount: '10.00' });
    expect(orders[0]?.paid_at && orders[0].shipped_at && orders[0].completed_at).toBeInstanceOf(Date);
    const lines = await OrderItem.findAll({ where: { order_id: summary.orderId } });
    expect(lines.map(({ product_id, quantity, price }) => ({ product_id, quantity, price }))).toEqual([
      { product_id: cheap.id, quantity: 2, price: '5.00' },
    ]);
    expect(await Cart.count({ where: { user_id: summary.userId } })).toBe(0);
    const review = await Review.findByPk(summary.reviewId);
    expect(review).toMatchObject({
      user_id: summary.userId,
      order_id: summary.orderId,
      product_id: cheap.id,
      rating: 5,
      content: 'Exactly as described.',
    });
    const bought = await Product.findByPk(cheap.id);
    expect(bought).toMatchObject({ stock: 8, review_count: 1 });
    expect(Number(bought?.rating_avg)).toBe(5);
    expect(await Product.findByPk(dear.id)).toMatchObject({ stock: 3 });
  });
});
