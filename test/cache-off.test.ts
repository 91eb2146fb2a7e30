/** CACHE_TTL_SECONDS=0 turns every cache off: reads go to PostgreSQL and nothing is written to Redis. */
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useContractChecks, validatedListener } from './support/contract-checks.js';

process.env.CACHE_TTL_SECONDS = '0';
const { createRequestListener } = await import('../src/app.js');
const { sequelize } = await import('../src/db.js');
const { connectRedis, redis } = await import('../src/redis.js');
const { resetState } = await import('./support/context.js');
const { createCategory, createProduct } = await import('./support/factories.js');
const app = validatedListener(createRequestListener());
useContractChecks();

beforeAll(async () => {
  await connectRedis();
  await resetState();
});
afterAll(async () => {
  await redis.quit();
  await sequelize.close();
});

it('serves the catalog straight from PostgreSQL', async () => {
  const category = await createCategory({ name: 'Garden' });
  const product = await createProduct(category.id, { price: '3.00' });
  await request(app).get('/api/v1/categories').expect(200);
  await request(app).get('/api/v1/products').expect(200);
  await request(app).get(`/api/v1/products/${product.id}`).expect(200);
  expect(await redis.keys('emporium:cache:*')).toEqual([]);
  await product.update({ price: '4.00' });
  const res = await request(app).get(`/api/v1/products/${product.id}`).expect(200);
  expect(res.body.price).toBe('4.00');
});
