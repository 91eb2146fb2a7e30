/**
 * Behind a proxy that rewrites Host to the instance's own address: the staff
 * panel's cross-site check compares the browser's Origin with the host the
 * browser addressed, which a trusted proxy passes on as X-Forwarded-Host
 * (TRUST_PROXY=loopback here, as supertest connects from loopback).
 */
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';

process.env.TRUST_PROXY = 'loopback';
const { loadAdminPanel } = await import('../src/admin/index.js');
const { useTestApp } = await import('./support/context.js');
const { createUser } = await import('./support/factories.js');
const { STAFF_PASSWORD } = await import('./support/admin.js');

const ctx = useTestApp();
beforeAll(async () => {
  await loadAdminPanel();
}, 30_000);

/** A staff login POST as it arrives through the proxy: Host rewritten, the browser's Origin kept. */
const throughProxy = (origin: string, forwardedHost?: string) => {
  const req = request(ctx.app).post('/admin/login').set('Host', '10.0.0.7:8000').set('Origin', origin).type('form');
  if (forwardedHost) req.set('X-Forwarded-Host', forwardedHost).set('X-Forwarded-Proto', 'https');
  return req.send({ email: 'boss@shop.test', password: STAFF_PASSWORD });
};

describe('the staff panel behind a proxy that rewrites Host', () => {
  it('accepts a same-site POST whose Origin matches the trusted X-Forwarded-Host', async () => {
    await createUser({ email: 'boss@shop.test', password: STAFF_PASSWORD, role: 'admin' });
    const res = await throughProxy('https://shop.example.com', 'shop.example.com');
    expect(res.status, res.text.slice(0, 200)).toBe(302);
  });

  it('refuses a foreign Origin, and an Origin that matches neither host', async () => {
    await createUser({ email: 'boss@shop.test', password: STAFF_PASSWORD, role: 'admin' });
    expect((await throughProxy('https://evil.example', 'shop.example.com')).status).toBe(403);
    expect((await throughProxy('https://shop.example.com')).status).toBe(403);
  });
});
