import express from 'express';
import { DatabaseError } from 'sequelize';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../src/middleware/error-handler.js';
import { requestContext } from '../src/middleware/request-context.js';
import { useTestApp } from './support/context.js';

const ctx = useTestApp();

/** Every error body is an RFC 9457 problem with these members. */
function expectProblem(res: request.Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: expect.stringMatching(/^urn:emporium:problem:/),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    request_id: res.headers['x-request-id'],
  });
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+|SELECT|INSERT|sequelize/i);
}

describe('problem responses', () => {
  it('404 for an unknown route', async () => {
    const res = await request(ctx.app).get('/api/v1/no-such-thing');
    expectProblem(res, 404);
    expect(res.body.instance).toBe('/api/v1/no-such-thing');
    expect(res.body.detail).toBe('No route for GET /api/v1/no-such-thing.');
  });

  it('400 for a malformed JSON body', async () => {
    const res = await request(ctx.app)
      .post('/api/v1/categories')
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expectProblem(res, 400);
    expect(res.body.type).toBe('urn:emporium:problem:malformed-json');
  });

  it('413 for a body over JSON_BODY_LIMIT', async () => {
    const res = await request(ctx.app)
      .post('/api/v1/categories')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ blob: 'x'.repeat(200 * 1024) }));
    expectProblem(res, 413);
  });

  it('422 with errors[] for invalid input', async () => {
    const res = await request(ctx.app).get('/api/v1/categories/not-a-number');
    expectProblem(res, 422);
    expect(res.body.errors).toEqual([{ field: 'category_id', message: 'must be a whole number' }]);
  });

  it('503 with Retry-After when a pooled PostgreSQL connection drops under a query', async () => {
    // The errors Sequelize raises when PostgreSQL restarts mid-request: no SQLSTATE, only the socket's story.
    const app = express();
    app.use(requestContext);
    let failure: Error = new Error('unset');
    app.get('/boom', () => {
      throw failure;
    });
    app.use(errorHandler);
    for (const message of [
      'Connection terminated unexpectedly',
      'read ECONNRESET',
      'Client has encountered a connection error and is not queryable',
    ]) {
      failure = new DatabaseError(Object.assign(new Error(message), { sql: 'SELECT 1', parameters: [] }));
      const res = await request(app).get('/boom');
      expectProblem(res, 503);
      expect(res.headers['retry-after']).toBe('5');
    }
    failure = new DatabaseError(
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
        sql: '',
        parameters: [],
      }),
    );
    expectProblem(await request(app).get('/boom'), 503);
  });

  it('500 without internals for an unexpected error', async () => {
    // The central handler on a bare app whose route fails the way a bug would.
    const app = express();
    app.use(requestContext);
    app.get('/boom', () => {
      throw new Error('SELECT secret FROM users -- at db.ts:12');
    });
    app.use(errorHandler);
    const res = await request(app).get('/boom');
    expectProblem(res, 500);
    expect(res.body).toEqual({
      type: 'urn:emporium:problem:internal-error',
      title: 'Internal server error',
      status: 500,
      detail: 'Something went wrong on our side.',
      instance: '/boom',
      request_id: res.headers['x-request-id'],
    });
  });
});

describe('X-Request-Id', () => {
  it('generates an id when none is sent', async () => {
    const res = await request(ctx.app).get('/health').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a well-formed id from the client', async () => {
    const res = await request(ctx.app).get('/api/v1/nothing').set('X-Request-Id', 'trace-abc.123');
    expect(res.headers['x-request-id']).toBe('trace-abc.123');
    expect(res.body.request_id).toBe('trace-abc.123');
  });

  it('replaces an id that is too long or has odd characters', async () => {
    for (const bad of ['x'.repeat(200), 'a b', '<script>']) {
      const res = await request(ctx.app).get('/health').set('X-Request-Id', bad);
      expect(res.headers['x-request-id']).not.toBe(bad);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('security headers', () => {
  it("gives JSON answers OWASP's REST set (a CSP that allows nothing) and no X-Powered-By", async () => {
    for (const path of ['/api/v1/categories', '/api/v1/categories', '/api/v1/nowhere', '/health']) {
      const res = await request(ctx.app).get(path);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  it('gives the docs pages a CSP under which they can run their own scripts', async () => {
    for (const path of ['/docs/', '/redoc']) {
      const res = await request(ctx.app).get(path).expect(200);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});
