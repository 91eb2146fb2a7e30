/** Driving the admin panel over HTTP, as its frontend does (AdminJS's JSON API under /admin/api). */
import type { RequestListener } from 'node:http';
import request from 'supertest';
import { expect } from 'vitest';
import { loadAdminPanel } from '../../src/admin/index.js';
import { createUser } from './factories.js';

export const STAFF_PASSWORD = 'staff-password-1';

/** A signed-in staff session: an agent that keeps the session cookie, and the admin's user id. */
export async function staffSession(app: RequestListener, email = 'boss@shop.test') {
  await loadAdminPanel();
  const admin = await createUser({ email, password: STAFF_PASSWORD, role: 'admin' });
  const agent = request.agent(app);
  const res = await agent.post('/admin/login').type('form').send({ email, password: STAFF_PASSWORD });
  expect(res.status, res.text.slice(0, 200)).toBe(302);
  return { agent, admin };
}

/** Form fields the way AdminJS's frontend posts them (multipart; flat keys). */
export function form(fields: Record<string, string | number | boolean>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, String(value)]));
}

/** The panel's form for the customer account "clerk" with a typed password. */
export const clerkForm = (password: string): Record<string, string> =>
  form({ username: 'clerk', email: 'clerk@shop.test', role: 'customer', is_active: true, new_password: password });
