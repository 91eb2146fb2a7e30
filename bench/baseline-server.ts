/**
 * The benchmark's baselines, each a server process of its own:
 *
 *   static  — a bare Express app answering GET /api/v1/products with fixed bytes (r1)
 *   pg      — a bare Express + pg handler running the app's product-page SQL (r2)
 *   pg-prepared — the same, sending it as a named prepared statement as the app does (r2p)
 *   no-auth — the real app with authentication replaced by a plain user lookup (r3)
 *
 * Usage: tsx bench/baseline-server.ts <kind> <port> [body-file]
 */
import { readFileSync } from 'node:fs';
import { type RequestListener, createServer } from 'node:http';
import express from 'express';
import pg from 'pg';

const [kind, portText, bodyFile] = process.argv.slice(2);
const port = Number(portText);

async function server(): Promise<RequestListener> {
  if (kind === 'static') {
    const body = readFileSync(bodyFile!, 'utf8');
    const app = express();
    app.get('/api/v1/products', (_req, res) => {
      res.type('application/json').send(body);
    });
    return app;
  }
  if (kind === 'pg' || kind === 'pg-prepared') {
    const { PRODUCT_DETAIL } = await import('../src/services/product-service.js');
    const name = kind === 'pg-prepared' ? PRODUCT_DETAIL.name : undefined;
    const pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL,
      max: Number(process.env.DB_POOL_MAX ?? 10),
    });
    const app = express();
    app.get('/api/v1/products/:id', (req, res, next) => {
      const query = { text: PRODUCT_DETAIL.text, values: [Number(req.params.id)], name };
      pool.query<Record<string, unknown>>(query).then(({ rows: [row] }) => {
        if (!row) return res.status(404).json({ status: 404 });
        const { category_name, ...detail } = row;
        res.json({ ...detail, category: { id: row.category_id, name: category_name } });
      }, next);
    });
    return app;
  }
  if (kind === 'no-auth') {
    const { createRequestListener } = await import('../src/app.js');
    const { connectRedis } = await import('../src/redis.js');
    const { RegisterRoutes } = (await import(new URL('./generated/routes.js', import.meta.url).href)) as {
      RegisterRoutes: (app: express.Express) => void;
    };
    await connectRedis();
    return createRequestListener({ routes: RegisterRoutes });
  }
  throw new Error(`unknown baseline ${kind}`);
}

const listener = await server();
createServer(listener).listen(port, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port })));
