/** With METRICS_TOKEN set, /metrics needs it as a Bearer token. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';

process.env.METRICS_TOKEN = 'scrape-token-for-tests';
const { useTestApp } = await import('./support/context.js');
const ctx = useTestApp();

describe('GET /metrics with METRICS_TOKEN', () => {
  it('refuses a request without the token', async () => {
    const res = await request(ctx.app).get('/metrics').expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.text).not.toContain('http_requests_total');
  });

  it('refuses a wrong token, including one that is a prefix of the right one', async () => {
    for (const token of ['wrong', 'scrape-token', 'scrape-token-for-tests-and-more']) {
      await request(ctx.app).get('/metrics').set('Authorization', `Bearer ${token}`).expect(401);
    }
  });

  it('answers with the right token', async () => {
    const res = await request(ctx.app)
      .get('/metrics')
      .set('Authorization', 'Bearer scrape-token-for-tests')
      .expect(200);
    expect(res.text).toContain('http_requests_total');
  });
});
