/**
 * The refresh grace period ends: a refresh token presented again after
 * REFRESH_REUSE_GRACE_SECONDS (1 s in this file, to keep it quick) is reuse,
 * and the whole login ends.
 */
import request from 'supertest';
import { expect, it } from 'vitest';

process.env.REFRESH_REUSE_GRACE_SECONDS = '1';
const { useTestApp } = await import('./support/context.js');
const { bearer, userWithTokens } = await import('./support/auth.js');
type Pair = Awaited<ReturnType<typeof userWithTokens>>['tokens'];

const ctx = useTestApp();

const me = (token: string) => request(ctx.app).get('/api/v1/users/me').set('Authorization', bearer(token));
const refresh = (token: string) => request(ctx.app).post('/api/v1/auth/refresh').send({ refresh_token: token });

it('ends the login when an exchanged refresh token is presented again after the grace period', async () => {
  const { tokens } = await userWithTokens(ctx.app);
  const first = (await refresh(tokens.refresh_token).expect(200)).body as Pair;
  // Within the grace: the same successor, the login goes on.
  const retry = (await refresh(tokens.refresh_token).expect(200)).body as Pair;
  expect(retry.refresh_token).toBe(first.refresh_token);

  await new Promise((resolve) => setTimeout(resolve, 1100));
  const replay = await refresh(tokens.refresh_token).expect(401);
  expect(replay.body).toMatchObject({ status: 401, detail: expect.stringMatching(/already used/) });
  // Every token of the login is dead, the successor the retry got included.
  await refresh(first.refresh_token).expect(401);
  for (const pair of [tokens, first, retry]) await me(pair.access_token).expect(401);
});
