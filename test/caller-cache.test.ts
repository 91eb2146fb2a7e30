/**
 * The caller's account row cached in Redis (src/auth/caller.ts), read with
 * the token state in one round trip (src/auth/authentication.ts) and dropped
 * by the User model's hooks once a write is committed (src/models/user.ts):
 * every change made through the models shows on the very next request.
 */
import type { Request } from 'express';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { authenticate } from '../src/auth/authentication.js';
import { callerKey, forgetCallers } from '../src/auth/caller.js';
import { config } from '../src/config.js';
import { sequelize } from '../src/db.js';
import { User } from '../src/models/index.js';
import { redis } from '../src/redis.js';
import { bearer, userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createUser } from './support/factories.js';

const ctx = useTestApp();

const me = (token: string) => request(ctx.app).get('/api/v1/users/me').set('Authorization', bearer(token));
const cached = async (userId: number) => {
  const text = await redis.get(callerKey(userId));
  return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
};

describe('the cached caller row', () => {
  it('is cached at login: the row as JSON, without the password hash, for CALLER_CACHE_TTL_SECONDS at most', async () => {
    const { user } = await userWithTokens(ctx.app, { username: 'ada', email: 'ada@example.com' });
    const row = await cached(user.id);
    expect(row).toEqual({
      id: user.id,
      username: 'ada',
      email: 'ada@example.com',
      phone: null,
      role: 'customer',
      is_active: true,
      created_at: user.created_at.toISOString(),
      updated_at: user.updated_at.toISOString(),
    });
    expect(await redis.get(callerKey(user.id))).not.toMatch(/password|\$2[aby]\$/);
    const ttl = await redis.ttl(callerKey(user.id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(config.cache.callerTtlSeconds);
  });

  it('is what authenticated requests read (a write that bypasses the model shows only once the row is dropped)', async () => {
    const { user, tokens } = await userWithTokens(ctx.app, { email: 'old@example.com' });
    await sequelize.query("UPDATE users SET email = 'raw@example.com' WHERE id = $1", { bind: [user.id] });
    expect((await me(tokens.access_token).expect(200)).body.email).toBe('old@example.com');
    await forgetCallers([user.id]);
    expect((await me(tokens.access_token).expect(200)).body.email).toBe('raw@example.com');
    expect(await cached(user.id)).toMatchObject({ email: 'raw@example.com' });
  });

  it("lets an account deactivated behind the app's back (SQL) go within CALLER_CACHE_TTL_SECONDS", async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    await me(tokens.access_token).expect(200);
    await sequelize.query('UPDATE users SET is_active = false WHERE id = $1', { bind: [user.id] });
    const deadline = Date.now() + config.cache.callerTtlSeconds * 1000 + 1_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await me(tokens.access_token)).status;
    }
    expect(status).toBe(401);
  });

  it('is loaded from PostgreSQL and cached again when it is missing', async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    await redis.del(callerKey(user.id));
    expect((await me(tokens.access_token).expect(200)).body.id).toBe(user.id);
    expect(await cached(user.id)).toMatchObject({ id: user.id, is_active: true });
  });

  it('returns created_at and updated_at as ISO strings equal to the stored values, cached or not', async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    // Microseconds that JSON and JavaScript dates cannot carry: both paths must cut them the same way.
    await sequelize.query(
      `UPDATE users SET created_at = '2024-02-29 23:59:59.123456+00', updated_at = '2025-07-01 12:00:00.004321+02'
        WHERE id = $1`,
      { bind: [user.id] },
    );
    await forgetCallers([user.id]);
    const [stored] = await sequelize.query<{ created: string; updated: string }>(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created,
              to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated
         FROM users WHERE id = $1`,
      { bind: [user.id], type: QueryTypes.SELECT },
    );
    expect(stored).toEqual({ created: '2024-02-29T23:59:59.123Z', updated: '2025-07-01T10:00:00.004Z' });
    const model = (await User.findByPk(user.id))!;

    const miss = await me(tokens.access_token).expect(200);
    const hit = await me(tokens.access_token).expect(200);
    for (const res of [miss, hit]) {
      expect(res.body.created_at).toBe(stored!.created);
      expect(res.body.updated_at).toBe(stored!.updated);
      expect(res.body.created_at).toBe(model.created_at.toISOString());
      expect(res.body.updated_at).toBe(model.updated_at.toISOString());
    }
    expect(await cached(user.id)).toMatchObject({ created_at: stored!.created, updated_at: stored!.updated });
  });
});

describe('changes through the models show at once', () => {
  it('PATCH /users/me: the next GET shows the new e-mail', async () => {
    const { user, tokens } = await userWithTokens(ctx.app, { email: 'before@example.com' });
    await me(tokens.access_token).expect(200);
    const patched = await request(ctx.app)
      .patch('/api/v1/users/me')
      .set('Authorization', bearer(tokens.access_token))
      .send({ email: 'after@example.com', phone: '+1 555 0100' })
      .expect(200);
    expect(patched.body).toMatchObject({ email: 'after@example.com', phone: '+1 555 0100' });

    const res = await me(tokens.access_token).expect(200);
    expect(res.body).toMatchObject({ email: 'after@example.com', phone: '+1 555 0100' });
    const row = (await User.findByPk(user.id))!;
    expect(row.email).toBe('after@example.com');
    expect(res.body.updated_at).toBe(row.updated_at.toISOString());
    expect(await cached(user.id)).toMatchObject({ email: 'after@example.com' });
  });

  it('deactivation by a bulk User.update: the token is refused at once, and every cached row is dropped', async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    const other = await userWithTokens(ctx.app);
    await me(tokens.access_token).expect(200);
    expect(await cached(other.user.id)).not.toBeNull();

    await User.update({ is_active: false }, { where: { id: user.id } });

    const res = await me(tokens.access_token).expect(401);
    expect(res.body).toMatchObject({ status: 401, detail: 'The access token is invalid or expired.' });
    expect((await User.findByPk(user.id))!.is_active).toBe(false);
    // A bulk update cannot tell which rows it hit: all cached callers go; the others reload and still work.
    expect(await cached(other.user.id)).toBeNull();
    await me(other.tokens.access_token).expect(200);
    // Active again: the same token works again.
    await User.update({ is_active: true }, { where: { id: user.id } });
    await me(tokens.access_token).expect(200);
  });

  it('deactivation by instance.update: the token is refused at once', async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    await me(tokens.access_token).expect(200);
    await user.update({ is_active: false });
    await me(tokens.access_token).expect(401);
    expect(await cached(user.id)).toMatchObject({ is_active: false });
  });

  it('a demotion shows at once in the role scopes', async () => {
    const asRequest = (token: string) => ({ headers: { authorization: bearer(token) } }) as Request;
    const { user, tokens } = await userWithTokens(ctx.app, { role: 'admin' });
    // Another active admin remains: the last one cannot be demoted (test/last-admin.test.ts).
    await createUser({ role: 'admin' });
    await expect(authenticate(asRequest(tokens.access_token), ['admin'])).resolves.toMatchObject({ role: 'admin' });
    await user.update({ role: 'customer' });
    await expect(authenticate(asRequest(tokens.access_token), ['admin'])).rejects.toMatchObject({ status: 403 });
    expect((await me(tokens.access_token).expect(200)).body.role).toBe('customer');
  });

  it('a username saved inside a transaction shows once it commits, even if the old row was read meanwhile', async () => {
    const { user, tokens } = await userWithTokens(ctx.app, { username: 'before_tx' });
    await sequelize.transaction(async (transaction) => {
      await user.update({ username: 'after_tx' }, { transaction });
      // Not committed: other connections still see, and cache, the old row.
      expect((await me(tokens.access_token).expect(200)).body.username).toBe('before_tx');
      expect(await cached(user.id)).toMatchObject({ username: 'before_tx' });
    });
    expect((await me(tokens.access_token).expect(200)).body.username).toBe('after_tx');
    expect((await User.findByPk(user.id))!.username).toBe('after_tx');
  });

  it('a transaction that rolls back changes nothing, cached or stored', async () => {
    const { user, tokens } = await userWithTokens(ctx.app, { username: 'steady' });
    await expect(
      sequelize.transaction(async (transaction) => {
        await user.update({ username: 'never_seen' }, { transaction });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await me(tokens.access_token).expect(200)).body.username).toBe('steady');
    expect((await User.findByPk(user.id))!.username).toBe('steady');
  });

  it('deleting the account (instance or bulk) refuses its token at once', async () => {
    const first = await userWithTokens(ctx.app);
    const second = await userWithTokens(ctx.app);
    await me(first.tokens.access_token).expect(200);
    await me(second.tokens.access_token).expect(200);

    await first.user.destroy();
    await me(first.tokens.access_token).expect(401);
    expect(await User.findByPk(first.user.id)).toBeNull();
    // A missing account is not cached.
    expect(await cached(first.user.id)).toBeNull();

    await User.destroy({ where: { id: second.user.id } });
    await me(second.tokens.access_token).expect(401);
    expect(await User.count()).toBe(0);
  });

  it('creating an account does not disturb the cached rows of others', async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    await me(tokens.access_token).expect(200);
    await createUser();
    expect(await cached(user.id)).not.toBeNull();
  });
});
