/** Logging in through the real API, for tests of authenticated endpoints. */
import type { RequestListener } from 'node:http';
import request from 'supertest';
import { expect } from 'vitest';
import type { TokenPair } from '../../src/schemas/auth.js';
import { createUser } from './factories.js';

/** The password every test user gets unless a test says otherwise. */
export const TEST_PASSWORD = 'correct-horse-battery';

/** Logs `login` in over HTTP and returns the token pair (asserting 200). */
export async function loginAs(app: RequestListener, login: string, password = TEST_PASSWORD): Promise<TokenPair> {
  const res = await request(app).post('/api/v1/auth/login').send({ username: login, password });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as TokenPair;
}

/** Creates a user and logs them in. */
export async function userWithTokens(app: RequestListener, fields: Parameters<typeof createUser>[0] = {}) {
  const user = await createUser(fields);
  const tokens = await loginAs(app, user.username, fields.password ?? TEST_PASSWORD);
  return { user, tokens };
}

/** `Authorization: Bearer` header value. */
export const bearer = (token: string): string => `Bearer ${token}`;

/**
 * Tokens for many users at once, through the login service itself (the same
 * code as POST /auth/login) rather than HTTP, so that setting up a crowd of
 * shoppers does not trip the per-IP rate limit on /auth.
 */
export async function tokensFor(usernames: string[], password = TEST_PASSWORD): Promise<TokenPair[]> {
  const { login } = await import('../../src/services/auth-service.js');
  return Promise.all(usernames.map((username) => login({ username, password }, `test-${username}`)));
}
