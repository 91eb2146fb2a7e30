/** Attacks on the tokens: forged, altered, expired, misused, revoked. */
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { config } from '../src/config.js';
import { User } from '../src/models/index.js';
import { redis } from '../src/redis.js';
import { userFamiliesKey } from '../src/auth/sessions.js';
import { useTestApp } from './support/context.js';
import { TEST_PASSWORD, bearer, loginAs, userWithTokens } from './support/auth.js';

const ctx = useTestApp();

const me = (token: string) => request(ctx.app).get('/api/v1/users/me').set('Authorization', bearer(token));
const refresh = (token: string) => request(ctx.app).post('/api/v1/auth/refresh').send({ refresh_token: token });

/** The claims of a real access token, to tamper with. */
const claimsOf = (token: string) => jwt.decode(token) as jwt.JwtPayload;

const sign = (payload: object, secret = config.auth.jwtSecret, algorithm: jwt.Algorithm = 'HS256') =>
  jwt.sign(payload, secret, { algorithm });

describe('access tokens that must be refused with 401', () => {
  it('refuses a request without a token, or with another scheme', async () => {
    const res = await request(ctx.app).get('/api/v1/users/me').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toMatchObject({ status: 401, type: 'urn:emporium:problem:unauthorized' });
    await request(ctx.app).get('/api/v1/users/me').set('Authorization', 'Basic Z3JhY2U6cHc=').expect(401);
  });

  it('refuses garbage', async () => {
    for (const token of ['garbage', 'a.b.c', '', 'e30.e30.', 'x'.repeat(5000)]) {
      await me(token).expect(401);
    }
  });

  it('refuses alg "none"', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const unsigned = jwt.sign(claimsOf(tokens.access_token), null, { algorithm: 'none' });
    await me(unsigned).expect(401);
  });

  it('refuses a token signed with another key', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    await me(sign(claimsOf(tokens.access_token), 'not-the-server-secret-at-all-0123456789')).expect(401);
  });

  it('refuses another HMAC algorithm even with the right key (algorithm pinned)', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    await me(sign(claimsOf(tokens.access_token), config.auth.jwtSecret, 'HS512')).expect(401);
  });

  it('refuses an expired token', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const now = Math.floor(Date.now() / 1000);
    await me(sign({ ...claimsOf(tokens.access_token), iat: now - 1000, exp: now - 10 })).expect(401);
  });

  it('refuses a token that expires after it was accepted (a verified signature is remembered, the expiry is not)', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const now = Math.floor(Date.now() / 1000);
    const shortLived = sign({ ...claimsOf(tokens.access_token), iat: now, exp: now + 2 });
    await me(shortLived).expect(200);
    await me(shortLived).expect(200);
    await new Promise((resolve) => setTimeout(resolve, (now + 2) * 1000 - Date.now() + 50));
    const res = await me(shortLived).expect(401);
    expect(res.body).toMatchObject({ status: 401, detail: 'The access token is invalid or expired.' });
  });

  it('refuses an access token issued in the future beyond a small clock skew', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const now = Math.floor(Date.now() / 1000);
    const claims = claimsOf(tokens.access_token);
    await me(sign({ ...claims, iat: now + 600 })).expect(401);
    // Another instance's clock a few seconds ahead is not an attack.
    await me(sign({ ...claims, iat: now + 5 })).expect(200);
  });

  it('refuses a refresh token issued in the future, as invalid rather than as reuse', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const now = Math.floor(Date.now() / 1000);
    // The login's current refresh token id, re-signed with a future iat.
    const res = await refresh(sign({ ...claimsOf(tokens.refresh_token), iat: now + 600 })).expect(401);
    expect(res.body.detail).toBe('The refresh token is invalid or expired.');
    await me(tokens.access_token).expect(200);
    await refresh(tokens.refresh_token).expect(200);
  });

  it('refuses a wrong issuer or audience', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const claims = claimsOf(tokens.access_token);
    await me(sign({ ...claims, iss: 'someone-else' })).expect(401);
    await me(sign({ ...claims, aud: 'another-api' })).expect(401);
    // The genuine claims re-signed are accepted: the refusals above are about iss/aud only.
    await me(sign(claims)).expect(200);
  });

  it('refuses a token that is not yet valid, and accepts an audience list that names this API', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const claims = claimsOf(tokens.access_token);
    await me(sign({ ...claims, nbf: Math.floor(Date.now() / 1000) + 600 })).expect(401);
    await me(sign({ ...claims, aud: ['another-api', config.auth.audience] })).expect(200);
    await me(sign({ ...claims, aud: ['another-api'] })).expect(401);
  });

  it('refuses a token whose payload, header or signature was altered', async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    const [header, payload, signature] = tokens.access_token.split('.') as [string, string, string];
    const otherPayload = Buffer.from(
      JSON.stringify({ ...claimsOf(tokens.access_token), sub: String(user.id + 1) }),
    ).toString('base64url');
    const headerWith = (fields: object) => Buffer.from(JSON.stringify(fields)).toString('base64url');
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    for (const token of [
      `${header}.${otherPayload}.${signature}`,
      `${headerWith({ alg: 'HS256', typ: 'JWT', kid: 'x' })}.${payload}.${signature}`,
      `${headerWith({ alg: 'none' })}.${payload}.`,
      `${headerWith({ alg: 'none' })}.${payload}.${signature}`,
      `${header}.${payload}.${flipped}`,
      `${header}.${payload}.${signature}A`,
      `${header}.${payload}.${signature}=`,
      `${tokens.access_token}.`,
      `${header}.${payload}`,
    ]) {
      await me(token).expect(401);
    }
    await me(tokens.access_token).expect(200);
  });

  it('refuses a token missing a claim', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const claims = claimsOf(tokens.access_token);
    for (const name of ['sub', 'jti', 'typ', 'fam', 'exp']) {
      const { [name]: _dropped, ...rest } = claims;
      await me(sign(rest)).expect(401);
    }
  });

  it('refuses a correctly signed token whose subject cannot be a user id (401, not a database error)', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const claims = claimsOf(tokens.access_token);
    for (const sub of ['99999999999', '2147483648', '0', '01', '-1', '1.5', '1e3', ' 1']) {
      const res = await me(sign({ ...claims, sub }));
      expect(res.status, sub).toBe(401);
      expect(res.body.type).toBe('urn:emporium:problem:unauthorized');
    }
  });

  it('refuses a refresh token used as an access token', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    await me(tokens.refresh_token).expect(401);
  });

  it('refuses an access token used as a refresh token', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    await refresh(tokens.access_token).expect(401);
  });

  it('refuses a forged token for another user of a live login', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const { user: victim } = await userWithTokens(ctx.app);
    // Even with the key, a token naming a login that does not exist is dead.
    await me(sign({ ...claimsOf(tokens.access_token), sub: String(victim.id), fam: randomUUID() })).expect(401);
  });

  it('refuses tokens of a user who was deactivated or deleted', async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    await me(tokens.access_token).expect(200);
    await User.update({ is_active: false }, { where: { id: user.id } });
    await me(tokens.access_token).expect(401);
    await refresh(tokens.refresh_token).expect(401);
    // The refresh attempt while inactive ended the login for good: reactivating does not revive it.
    await User.update({ is_active: true }, { where: { id: user.id } });
    await refresh(tokens.refresh_token).expect(401);

    const other = await userWithTokens(ctx.app);
    await User.destroy({ where: { id: other.user.id } });
    await me(other.tokens.access_token).expect(401);
  });
});

describe('logout', () => {
  it('kills the access token and the refresh token of the login at once', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    await request(ctx.app).post('/api/v1/auth/logout').set('Authorization', bearer(tokens.access_token)).expect(204);
    const again = await me(tokens.access_token).expect(401);
    expect(again.body.detail).toBe('The access token has been revoked.');
    await refresh(tokens.refresh_token).expect(401);
  });

  it("leaves the user's other logins alone, unless their refresh token is given", async () => {
    const { user, tokens: phone } = await userWithTokens(ctx.app);
    const laptop = await loginAs(ctx.app, user.username);
    const tablet = await loginAs(ctx.app, user.username);
    await request(ctx.app)
      .post('/api/v1/auth/logout')
      .set('Authorization', bearer(phone.access_token))
      .send({ refresh_token: tablet.refresh_token })
      .expect(204);
    await me(laptop.access_token).expect(200);
    await me(tablet.access_token).expect(401);
    await refresh(tablet.refresh_token).expect(401);
  });

  it('needs a valid access token and refuses unknown fields', async () => {
    await request(ctx.app).post('/api/v1/auth/logout').expect(401);
    const { tokens } = await userWithTokens(ctx.app);
    await request(ctx.app)
      .post('/api/v1/auth/logout')
      .set('Authorization', bearer(tokens.access_token))
      .send({ everything: true })
      .expect(422);
    await me(tokens.access_token).expect(200);
  });
});

describe('refresh rotation', () => {
  it('rotates: a new pair, and each refresh token works once', async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    // Age the user's set of logins, so the refresh must renew it (a password change needs it).
    const logins = userFamiliesKey(user.id);
    await redis.expire(logins, 60);
    const second = await refresh(tokens.refresh_token).expect(200);
    expect(await redis.ttl(logins)).toBeGreaterThan(config.auth.refreshTtlSeconds - 60);
    expect(second.headers['cache-control']).toBe('no-store');
    expect(second.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(claimsOf(second.body.access_token as string).fam).toBe(claimsOf(tokens.access_token).fam);
    await me(second.body.access_token as string).expect(200);
    const third = await refresh(second.body.refresh_token as string).expect(200);
    await me(third.body.access_token as string).expect(200);
  });

  it('replaying a refresh token whose successor was used too ends the whole login, newer tokens included', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const newer = (await refresh(tokens.refresh_token).expect(200)).body as typeof tokens;
    const newest = (await refresh(newer.refresh_token).expect(200)).body as typeof tokens;
    // Still within the grace period of both exchanges, but the token it would get is used up.
    const replay = await refresh(tokens.refresh_token).expect(401);
    expect(replay.body.detail).toMatch(/already used/);
    await refresh(newest.refresh_token).expect(401);
    await refresh(newer.refresh_token).expect(401);
    for (const pair of [tokens, newer, newest]) await me(pair.access_token).expect(401);
  });

  it('answers a refresh repeated within the grace period with the same refresh token and a new access token', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const first = (await refresh(tokens.refresh_token).expect(200)).body as typeof tokens;
    const retry = await refresh(tokens.refresh_token).expect(200);
    const again = retry.body as typeof tokens;
    expect(retry.headers['cache-control']).toBe('no-store');
    expect(again.refresh_token).toBe(first.refresh_token);
    expect(again.access_token).not.toBe(first.access_token);
    expect(again.refresh_expires_in).toBeGreaterThan(config.auth.refreshTtlSeconds - 5);
    expect(again.refresh_expires_in).toBeLessThanOrEqual(config.auth.refreshTtlSeconds);
    for (const pair of [tokens, first, again]) await me(pair.access_token).expect(200);
    await refresh(again.refresh_token).expect(200);
  });

  it('lets ten parallel refreshes with one token all succeed, and the login survives', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(tokens.refresh_token)));
    expect(answers.map((res) => res.status)).toEqual(Array(10).fill(200));
    const pairs = answers.map((res) => res.body as typeof tokens);
    // Exactly one rotation happened: every tab got the same successor.
    expect(new Set(pairs.map((pair) => pair.refresh_token)).size).toBe(1);
    for (const pair of pairs) await me(pair.access_token).expect(200);
    // Every answer's refresh token works (the tabs refresh again, one after the other).
    const later = [];
    for (const pair of pairs) later.push((await refresh(pair.refresh_token).expect(200)).body as typeof tokens);
    for (const pair of [tokens, ...pairs, ...later]) await me(pair.access_token).expect(200);
    await refresh(later[0]!.refresh_token).expect(200);
  });

  it('refuses a malformed body', async () => {
    await request(ctx.app).post('/api/v1/auth/refresh').send({}).expect(422);
    await request(ctx.app).post('/api/v1/auth/refresh').send({ refresh_token: 5 }).expect(422);
  });
});

describe('password change', () => {
  const change = (token: string, body: object) =>
    request(ctx.app).post('/api/v1/users/me/password').set('Authorization', bearer(token)).send(body);

  it('ends the other logins, keeps this one, and swaps the password', async () => {
    const { user, tokens: here } = await userWithTokens(ctx.app);
    const elsewhere = await loginAs(ctx.app, user.username);
    await change(here.access_token, { current_password: TEST_PASSWORD, new_password: 'a-brand-new-password' }).expect(
      204,
    );

    await me(here.access_token).expect(200);
    await refresh(here.refresh_token).expect(200);
    await me(elsewhere.access_token).expect(401);
    await refresh(elsewhere.refresh_token).expect(401);

    await request(ctx.app)
      .post('/api/v1/auth/login')
      .send({ username: user.username, password: TEST_PASSWORD })
      .expect(401);
    await loginAs(ctx.app, user.username, 'a-brand-new-password');
  });

  it('refuses a wrong current password, a weak or unchanged new one, and unknown fields', async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    const wrong = await change(tokens.access_token, {
      current_password: 'nope-nope',
      new_password: 'another-password',
    }).expect(422);
    expect(wrong.body.errors).toEqual([{ field: 'current_password', message: 'is not the current password' }]);
    await change(tokens.access_token, { current_password: TEST_PASSWORD, new_password: 'short' }).expect(422);
    await change(tokens.access_token, { current_password: TEST_PASSWORD, new_password: 'ü'.repeat(40) }).expect(422);
    await change(tokens.access_token, { current_password: TEST_PASSWORD, new_password: TEST_PASSWORD }).expect(422);
    await change(tokens.access_token, {
      current_password: TEST_PASSWORD,
      new_password: 'another-password',
      role: 'admin',
    }).expect(422);
    // Nothing changed: the old password still works.
    await loginAs(ctx.app, user.username);
  });
});
