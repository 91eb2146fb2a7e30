/**
 * The benchmark's baseline: bare Express handlers for what the workload asks
 * of the app, each doing only the work its answer needs.
 *
 * - Catalog reads run the app's own SQL: they call the catalog services with
 *   caches off (this process runs with CACHE_TTL_SECONDS=0), so the baseline
 *   always runs exactly what the app runs, minus the app's middleware,
 *   validation, caches, ETags and problem answers.
 * - Writes run the minimal SQL: a cart add is one upsert and one cart read; a
 *   checkout is one statement that locks the cart and its products, takes the
 *   stock, stores the order and its lines and empties the cart. The shopper
 *   is named by an `x-user-id` header: no token, no login state.
 *
 * Usage: tsx bench/baseline-server.ts bare <port>
 */
import { type RequestListener, createServer } from 'node:http';
import express, { type Request, type RequestHandler } from 'express';
import pg from 'pg';

const [kind, portText] = process.argv.slice(2);
const port = Number(portText);

/** The minimal checkout: what any correct checkout must do, in one statement. */
const CHECKOUT = `
WITH cart AS (
  SELECT c.product_id, c.quantity, p.name, p.price, p.stock
    FROM carts c JOIN products p ON p.id = c.product_id
   WHERE c.user_id = $1 AND NOT p.archived
   ORDER BY c.product_id
     FOR UPDATE
),
verdict AS (
  SELECT count(*) > 0 AND bool_and(stock >= quantity) AS go, sum(price * quantity) AS total FROM cart
),
stock AS (
  UPDATE products p SET stock = p.stock - cart.quantity
    FROM cart, verdict WHERE verdict.go AND p.id = cart.product_id
),
placed AS (
  INSERT INTO orders (user_id, total_amount, status, shipping_address, expires_at)
  SELECT $1, verdict.total, 'pending', $2, now() + interval '30 minutes' FROM verdict WHERE verdict.go
  RETURNING id, status, total_amount, shipping_address, created_at
),
lines AS (
  INSERT INTO order_items (order_id, product_id, product_name, quantity, price, subtotal)
  SELECT placed.id, cart.product_id, cart.name, cart.quantity, cart.price, cart.price * cart.quantity
    FROM placed, cart
),
emptied AS (
  DELETE FROM carts WHERE user_id = $1 AND EXISTS (SELECT 1 FROM placed)
)
SELECT placed.* FROM placed`;

const CART_ADD = `INSERT INTO carts (user_id, product_id, quantity, created_at, updated_at)
  VALUES ($1, $2, $3, now(), now())
  ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = carts.quantity + EXCLUDED.quantity, updated_at = now()`;

const CART_READ = `SELECT c.product_id, p.name, p.price, c.quantity, p.stock
  FROM carts c JOIN products p ON p.id = c.product_id WHERE c.user_id = $1 ORDER BY c.created_at, c.id`;

const number = (value: unknown): number | undefined =>
  typeof value === 'string' && value !== '' ? Number(value) : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const userOf = (req: Request): number => Number(req.headers['x-user-id']);

/** Sends a service's JSON text as it is (the app sends the same text). */
const json =
  (load: (req: Request) => Promise<{ json: string }>): RequestHandler =>
  (req, res, next) => {
    load(req).then(({ json: body }) => res.type('application/json').send(body), next);
  };

async function bare(): Promise<RequestListener> {
  const { listProducts, getProduct, hotProducts, listProductReviews } =
    await import('../src/services/product-service.js');
  const { listCategories } = await import('../src/services/category-service.js');
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_MAX ?? 10) });
  const app = express();
  app.use(express.json());
  app.get(
    '/api/v1/products',
    json((req) =>
      listProducts({
        page: number(req.query.page),
        page_size: number(req.query.page_size),
        category_id: number(req.query.category_id),
        q: text(req.query.q),
        min_price: text(req.query.min_price),
        max_price: text(req.query.max_price),
        in_stock: req.query.in_stock === undefined ? undefined : req.query.in_stock === 'true',
        sort: text(req.query.sort) as Parameters<typeof listProducts>[0]['sort'],
      }),
    ),
  );
  app.get(
    '/api/v1/products/hot',
    json((req) => hotProducts(number(req.query.limit) ?? 10)),
  );
  app.get(
    '/api/v1/products/:id',
    json((req) => getProduct(Number(req.params.id))),
  );
  app.get(
    '/api/v1/products/:id/reviews',
    json((req) => listProductReviews(Number(req.params.id), number(req.query.page), number(req.query.page_size))),
  );
  app.get(
    '/api/v1/categories',
    json(() => listCategories()),
  );
  app.post('/api/v1/cart/items', (req, res, next) => {
    const { product_id, quantity } = req.body as { product_id: number; quantity: number };
    pool
      .query(CART_ADD, [userOf(req), product_id, quantity])
      .then(() => pool.query(CART_READ, [userOf(req)]))
      .then(({ rows }) => res.status(201).json({ items: rows }), next);
  });
  app.post('/api/v1/orders', (req, res, next) => {
    const { shipping_address } = req.body as { shipping_address: string };
    pool.query(CHECKOUT, [userOf(req), shipping_address]).then(({ rows: [order] }) => {
      if (order) res.status(201).json(order);
      else res.status(409).json({ status: 409 });
    }, next);
  });
  // Not found is an answer too (e.g. an archived product's page).
  app.use((error: unknown, _req: Request, res: express.Response, _next: express.NextFunction) => {
    res.status((error as { status?: number }).status ?? 500).json({ status: 500 });
  });
  return app;
}

if (kind !== 'bare') throw new Error(`unknown baseline ${kind}`);
const listener = await bare();
createServer(listener).listen(port, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port })));
