import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/context.js';
import { createCategory } from './support/factories.js';

const ctx = useTestApp();

describe('GET /metrics', () => {
  it('exposes request, pool, Redis and cache metrics in Prometheus text format', async () => {
    const category = await createCategory();
    await request(ctx.app).get('/api/v1/categories').expect(200);
    await request(ctx.app).get('/api/v1/categories').expect(200);
    await request(ctx.app).get(`/api/v1/categories/${category.id}`).expect(200);
    await request(ctx.app).get('/api/v1/categories/999').expect(404);
    await request(ctx.app).get('/no/such/route').expect(404);

    const res = await request(ctx.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    // Labelled by route template, never by raw URL.
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/api\/v1\/categories",status="200"\} 2$/m);
    expect(text).toMatch(
      /^http_requests_total\{method="GET",route="\/api\/v1\/categories\/:category_id",status="404"\} 1$/m,
    );
    expect(text).toMatch(/^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
    expect(text).not.toContain('/api/v1/categories/999');
    expect(text).toMatch(
      /^http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/api\/v1\/categories",status="200"\} \d+$/m,
    );
    expect(text).toMatch(/^db_pool_connections\{state="size"\} \d+$/m);
    expect(text).toMatch(/^redis_up 1$/m);
    expect(text).toMatch(/^cache_lookups_total\{cache="categories",result="miss"\} 1$/m);
    expect(text).toMatch(/^cache_lookups_total\{cache="categories",result="hit"\} [2-9]$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});
