import jwt from 'jsonwebtoken';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/context.js';
import { TEST_PASSWORD, bearer, loginAs } from './support/auth.js';
import { createUser } from './support/factories.js';

const ctx = useTestApp();
const login = (body: Record<string, unknown>) => request(ctx.app).post('/api/v1/auth/login').send(body);

describe('POST /api/v1/auth/login', () => {
  it('returns an access and a refresh token for a username', async () => {
    const user = await createUser({ username: 'grace' });
    const res = await login({ username: 'grace', password: TEST_PASSWORD }).expect(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 900,
      refresh_expires_in: 604800,
    });
    expect(res.headers['cache-control']).toBe('no-store');

    const access = jwt.decode(res.body.access_token as string, { complete: true });
    expect(access?.header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    expect(access?.payload).toMatchObject({
      sub: String(user.id),
      typ: 'access',
      iss: 'emporium',
      aud: 'emporium-api',
    });
    const claims = access?.payload as jwt.JwtPayload;
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    const refresh = jwt.decode(res.body.refresh_token as string) as jwt.JwtPayload;
    expect(refresh).toMatchObject({ typ: 'refresh', fam: claims.fam });
    expect(refresh.exp! - refresh.iat!).toBe(604800);
  });

  it('accepts the e-mail address in any case', async () => {
    await createUser({ email: 'Grace@Example.com' });
    await login({ username: 'GRACE@example.COM', password: TEST_PASSWORD }).expect(200);
  });

  it('accepts the OAuth2 password form (as Swagger UI sends it)', async () => {
    await createUser({ username: 'grace' });
    const res = await request(ctx.app)
      .post('/api/v1/auth/login')
      .type('form')
      .send({ grant_type: 'password', username: 'grace', password: TEST_PASSWORD, scope: '', client_id: '' })
      .expect(200);
    expect(res.body.token_type).toBe('bearer');
  });

  it('refuses the right 72-byte password with text after it (bcrypt would compare only the first 72 bytes)', async () => {
    const password = 'p'.repeat(72);
    await createUser({ username: 'longpass', password });
    await login({ username: 'longpass', password }).expect(200);
    const res = await login({ username: 'longpass', password: `${password}-and-more` });
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('Invalid username or password.');
  });

  it('gives the same 401 body for a wrong password, an unknown user and an inactive user', async () => {
    await createUser({ username: 'grace' });
    await createUser({ username: 'sleepy', is_active: false });
    const answers = await Promise.all([
      login({ username: 'grace', password: 'wrong-password' }),
      login({ username: 'nobody', password: TEST_PASSWORD }),
      login({ username: 'sleepy', password: TEST_PASSWORD }),
    ]);
    const bodies = answers.map((res) => {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const { request_id: _id, ...rest } = res.body as Record<string, unknown>;
      return rest;
    });
    expect(bodies[0]).toEqual({
      type: 'urn:emporium:problem:unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail: 'Invalid username or password.',
      instance: '/api/v1/auth/login',
    });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it('refuses unknown fields and a wrong grant_type with 422', async () => {
    await createUser({ username: 'grace' });
    await login({ username: 'grace', password: TEST_PASSWORD, remember: true }).expect(422);
    await login({ username: 'grace', password: TEST_PASSWORD, grant_type: 'client_credentials' }).expect(422);
    await login({ username: 'grace' }).expect(422);
  });

  it('issues a token that GET /users/me accepts', async () => {
    const user = await createUser({ username: 'grace', email: 'grace@example.com' });
    const tokens = await loginAs(ctx.app, 'grace');
    const me = await request(ctx.app)
      .get('/api/v1/users/me')
      .set('Authorization', bearer(tokens.access_token))
      .expect(200);
    expect(me.body).toMatchObject({ id: user.id, username: 'grace', email: 'grace@example.com', role: 'customer' });
    expect(me.text).not.toMatch(/password/);
  });
});
