/** In production, /metrics is served only to a scraper that sends METRICS_TOKEN; without one set, not at all. */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';

process.env.NODE_ENV = 'production';
process.env.JWT_SECRET = randomBytes(48).toString('base64');
process.env.SESSION_SECRET = randomBytes(48).toString('base64');
delete process.env.METRICS_TOKEN;
const { useTestApp } = await import('./support/context.js');
const ctx = useTestApp();

describe('GET /metrics in production without METRICS_TOKEN', () => {
  it('is a 404 problem that shows no figures', async () => {
    const res = await request(ctx.app).get('/metrics').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toContain('METRICS_TOKEN');
    expect(res.text).not.toContain('http_requests_total');
    // Whatever is sent as a token.
    await request(ctx.app).get('/metrics').set('Authorization', 'Bearer anything').expect(404);
  });
});
