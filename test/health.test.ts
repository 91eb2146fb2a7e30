import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/context.js';

const ctx = useTestApp();

describe('probes', () => {
  it('GET /health answers without touching dependencies', async () => {
    const res = await request(ctx.app).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', uptime_seconds: expect.any(Number) });
  });

  it('GET /ready checks PostgreSQL and Redis', async () => {
    const res = await request(ctx.app).get('/ready').expect(200);
    expect(res.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });
});
