import type { Request } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { authenticate } from '../src/auth/authentication.js';
import { User } from '../src/models/index.js';
import { useTestApp } from './support/context.js';
import { bearer, userWithTokens } from './support/auth.js';
import { createUser } from './support/factories.js';

const ctx = useTestApp();
const patchMe = (token: string, body: object) =>
  request(ctx.app).patch('/api/v1/users/me').set('Authorization', bearer(token)).send(body);

describe('GET /api/v1/users/me', () => {
  it('returns the caller, without the password hash', async () => {
    const { user, tokens } = await userWithTokens(ctx.app, { username: 'grace', email: 'grace@example.com' });
    const res = await request(ctx.app)
      .get('/api/v1/users/me')
      .set('Authorization', bearer(tokens.access_token))
      .expect(200);
    expect(res.body).toEqual({
      id: user.id,
      username: 'grace',
      email: 'grace@example.com',
      phone: null,
      role: 'customer',
      is_active: true,
      created_at: user.created_at.toISOString(),
      updated_at: user.updated_at.toISOString(),
    });
  });
});

describe('PATCH /api/v1/users/me', () => {
  it('changes e-mail and phone, and removes the phone with null', async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    const res = await patchMe(tokens.access_token, { email: 'new@example.com', phone: '+44 20 7946 0000' }).expect(200);
    expect(res.body).toMatchObject({ email: 'new@example.com', phone: '+44 20 7946 0000' });
    await patchMe(tokens.access_token, { phone: null }).expect(200);
    const row = await User.findByPk(user.id);
    expect(row?.email).toBe('new@example.com');
    expect(row?.phone).toBeNull();
  });

  it("refuses another account's e-mail in any case with 409", async () => {
    await createUser({ email: 'taken@example.com' });
    const { user, tokens } = await userWithTokens(ctx.app, { email: 'mine@example.com' });
    await patchMe(tokens.access_token, { email: 'TAKEN@example.com' }).expect(409);
    expect((await User.findByPk(user.id))?.email).toBe('mine@example.com');
    // Its own address in another case is not a conflict.
    await patchMe(tokens.access_token, { email: 'MINE@example.com' }).expect(200);
  });

  it('refuses role, username, is_active or password changes with 422, changing nothing', async () => {
    const { user, tokens } = await userWithTokens(ctx.app);
    for (const body of [
      { role: 'admin' },
      { username: 'root' },
      { is_active: false },
      { password_hash: 'x' },
      { email: 'bad' },
    ]) {
      await patchMe(tokens.access_token, body).expect(422);
    }
    const row = await User.findByPk(user.id);
    expect(row).toMatchObject({ role: 'customer', username: user.username, is_active: true, email: user.email });
  });
});

describe('role scopes', () => {
  it('lets an admin through a staff-only scope and stops a customer with 403', async () => {
    const asRequest = (token: string) => ({ headers: { authorization: bearer(token) } }) as Request;
    const admin = await userWithTokens(ctx.app, { role: 'admin' });
    const customer = await userWithTokens(ctx.app);
    await expect(authenticate(asRequest(admin.tokens.access_token), ['admin'])).resolves.toMatchObject({
      role: 'admin',
    });
    await expect(authenticate(asRequest(customer.tokens.access_token), ['admin'])).rejects.toMatchObject({
      status: 403,
    });
    await expect(authenticate(asRequest(customer.tokens.access_token))).resolves.toMatchObject({ role: 'customer' });
  });
});

describe('PATCH /api/v1/users/me with look-alike e-mails', () => {
  it("refuses a look-alike of another account's e-mail with 409, changing nothing", async () => {
    await createUser({ email: 'taken@example.com' });
    const { user, tokens } = await userWithTokens(ctx.app, { email: 'mine@example.com' });
    for (const email of ['tаken@example.com', 'ＴＡＫＥＮ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'TAKEN@ехаmple.com']) {
      const res = await patchMe(tokens.access_token, { email }).expect(409);
      expect(res.body.detail, email).toBe('This e-mail address is already registered.');
    }
    expect((await User.findByPk(user.id))?.email).toBe('mine@example.com');
  });

  it('stores a new e-mail NFKC-normalised, and a look-alike of its own is no conflict', async () => {
    const { user, tokens } = await userWithTokens(ctx.app, { email: 'mine@example.com' });
    const res = await patchMe(tokens.access_token, { email: 'ＮＥＷ＠ｅｘａｍｐｌｅ．ｃｏｍ' }).expect(200);
    expect(res.body.email).toBe('NEW@example.com');
    expect((await User.findByPk(user.id))?.email).toBe('NEW@example.com');
    await patchMe(tokens.access_token, { email: 'nеw@example.com' }).expect(200);
    expect((await User.findByPk(user.id))?.email).toBe('nеw@example.com');
  });
});
