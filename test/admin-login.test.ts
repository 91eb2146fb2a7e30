/**
 * The staff panel's front door (the full panel is tested with its own
 * issue): the login page renders, only active admins get a session, the
 * session lives in Redis, and cross-site POSTs are refused.
 */
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAdminPanel } from '../src/admin/index.js';
import { ADMIN_SESSION_PREFIX } from '../src/admin/panel.js';
import { redis } from '../src/redis.js';
import { redisKeys } from './support/redis-claims.js';
import { useTestApp } from './support/context.js';
import { createUser } from './support/factories.js';

const ctx = useTestApp();
const PASSWORD = 'staff-password-1';

beforeAll(async () => {
  await loadAdminPanel();
}, 30_000);

const login = (email: string, password = PASSWORD) =>
  request(ctx.app).post('/admin/login').type('form').send({ email, password });

const sessionKeys = () => redisKeys(redis, `${ADMIN_SESSION_PREFIX}*`);

describe('/admin login', () => {
  it('renders the login page', async () => {
    const res = await request(ctx.app).get('/admin/login').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('AdminJS.LoginApplication');
    expect(res.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
  });

  it('redirects an anonymous visitor to the login page without creating a session', async () => {
    const res = await request(ctx.app).get('/admin').expect(302);
    expect(res.headers.location).toBe('/admin/login');
    expect(await sessionKeys()).toEqual([]);
  });

  it('lets an active admin in, with an httpOnly SameSite session cookie backed by Redis', async () => {
    await createUser({ email: 'Boss@Shop.test', password: PASSWORD, role: 'admin' });
    const res = await login('boss@shop.test').expect(302);
    expect(res.headers.location).toBe('/admin');
    const cookie = res.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/^emporium\.admin\.sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/admin/);
    expect(await sessionKeys()).toHaveLength(1);

    const panel = await request(ctx.app).get('/admin').set('Cookie', cookie.split(';')[0]!).expect(200);
    expect(panel.text).toContain('Emporium');
  });

  it.each([
    ['a customer', { role: 'customer' as const }],
    ['an inactive admin', { role: 'admin' as const, is_active: false }],
  ])('refuses %s', async (_label, fields) => {
    await createUser({ email: 'someone@shop.test', password: PASSWORD, ...fields });
    const res = await login('someone@shop.test').expect(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await sessionKeys()).toEqual([]);
  });

  it('refuses a wrong password and an unknown email', async () => {
    await createUser({ email: 'boss@shop.test', password: PASSWORD, role: 'admin' });
    await login('boss@shop.test', 'wrong-password').expect(200);
    await login('nobody@shop.test').expect(200);
    expect(await sessionKeys()).toEqual([]);
  });

  it('refuses a POST from a foreign Origin with 403', async () => {
    await createUser({ email: 'boss@shop.test', password: PASSWORD, role: 'admin' });
    const res = await login('boss@shop.test').set('Origin', 'https://evil.example').expect(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    await login('boss@shop.test').set('Sec-Fetch-Site', 'cross-site').expect(403);
    // X-Forwarded-Host counts only from a trusted proxy (TRUST_PROXY is 0 here): a client cannot claim the Origin's host.
    await login('boss@shop.test')
      .set('Origin', 'https://evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .expect(403);
    expect(await sessionKeys()).toEqual([]);
  });
});
