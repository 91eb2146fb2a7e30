import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { RESPONSE_EXAMPLES } from '../src/docs/examples.js';
import { readiness } from '../src/services/health-service.js';
import { useTestApp } from './support/context.js';

const ctx = useTestApp();

describe('probes', () => {
  it('GET /health answers without touching dependencies', async () => {
    const res = await request(ctx.app).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', uptime_seconds: expect.any(Number), redis: 'ok' });
  });

  it('GET / answers the links to the API, its docs, the panel and the probes', async () => {
    const res = await request(ctx.app).get('/').expect(200);
    // The spec's example is the real answer.
    expect(res.body).toEqual(RESPONSE_EXAMPLES.getIndex!['200']);
    expect(res.body.links.docs).toBe('/docs');
    for (const link of ['/openapi.json', '/redoc', '/health', '/ready']) await request(ctx.app).get(link).expect(200);
  });

  it('GET /ready/routing answers 200 "ready" with both checks', async () => {
    const res = await request(ctx.app).get('/ready/routing').expect(200);
    expect(res.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('GET /ready checks PostgreSQL and Redis', async () => {
    const res = await request(ctx.app).get('/ready').expect(200);
    expect(res.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('stays ready when the event loop is blocked past the check timeouts (as by the panel load at start)', async () => {
    const report = readiness();
    // Both checks are in flight: block the loop for 1.5 s, past the 1 s check and 500 ms Redis timeouts.
    const until = Date.now() + 1_500;
    while (Date.now() < until);
    await expect(report).resolves.toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });
});
