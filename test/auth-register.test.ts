import bcrypt from 'bcrypt';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { User } from '../src/models/index.js';
import { useTestApp } from './support/context.js';
import { createUser } from './support/factories.js';

const ctx = useTestApp();

const register = (body: Record<string, unknown>) => request(ctx.app).post('/api/v1/auth/register').send(body);
const valid = { username: 'ada_l', email: 'Ada@Example.com', password: 'correct-horse-battery', phone: '+1 555 0100' };

describe('POST /api/v1/auth/register', () => {
  it('creates a customer and never returns the password or its hash', async () => {
    const res = await register(valid).expect(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      username: 'ada_l',
      email: 'Ada@Example.com',
      phone: '+1 555 0100',
      role: 'customer',
      is_active: true,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.any(String),
    });
    expect(res.text).not.toMatch(/password|\$2[aby]\$/);

    const row = await User.findByPk(res.body.id as number);
    expect(row?.role).toBe('customer');
    expect(row?.password_hash).toMatch(/^\$2b\$04\$/); // bcrypt, at the test cost
    expect(await bcrypt.compare('correct-horse-battery', row!.password_hash)).toBe(true);
  });

  it('answers 409 for a taken username in another case, and changes nothing', async () => {
    await createUser({ username: 'ada_l', email: 'first@example.com' });
    const res = await register({ ...valid, username: 'ADA_L' }).expect(409);
    expect(res.body).toMatchObject({ status: 409, detail: 'This username is taken.' });
    expect(await User.count()).toBe(1);
  });

  it('answers 409 for an e-mail that differs only in case', async () => {
    await createUser({ username: 'someone', email: 'ada@example.com' });
    const res = await register({ ...valid, email: 'ADA@EXAMPLE.COM' }).expect(409);
    expect(res.body.detail).toBe('This e-mail address is already registered.');
    expect(await User.count()).toBe(1);
  });

  it('refuses role: "admin" (or any unknown field) with 422 and creates nothing', async () => {
    const res = await register({ ...valid, role: 'admin' }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'role', message: 'is not an allowed field' }]);
    await register({ ...valid, is_active: true, id: 1 }).expect(422);
    expect(await User.count()).toBe(0);
  });

  it.each([
    ['7 characters', 'short-7'],
    ['73 ASCII bytes', 'a'.repeat(73)],
    ['74 bytes in 37 characters', 'é'.repeat(37)],
  ])('refuses a password of %s with 422 on password', async (_label, password) => {
    const res = await register({ ...valid, password }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'password', message: expect.any(String) }]);
    expect(await User.count()).toBe(0);
  });

  it('accepts a password of exactly 72 bytes', async () => {
    await register({ ...valid, password: 'p'.repeat(72) }).expect(201);
  });

  it('names every invalid field', async () => {
    const res = await register({ username: 'a b', email: 'not-an-email', password: 12345678, phone: 'call me' }).expect(
      422,
    );
    expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'email',
      'password',
      'phone',
      'username',
    ]);
    const empty = await register({}).expect(422);
    expect((empty.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'email',
      'password',
      'username',
    ]);
  });

  it('lets exactly one of many concurrent registrations of one username through', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => register({ ...valid, email: `ada${i}@example.com` })),
    );
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(await User.count()).toBe(1);
  });
});

describe('POST /api/v1/auth/register with look-alike names', () => {
  const taken = { username: 'This username is taken.', email: 'This e-mail address is already registered.' };

  it.each([
    ['username', 'AdRnIn', 'mixed case, rn for m'],
    ['username', 'ａｄｍｉｎ', 'fullwidth letters'],
    ['username', 'adrnin', 'rn for m'],
    ['username', 'admln', 'l for i'],
    ['username', 'adm1n', '1 for i'],
    ['username', 'ﬁona', 'the ﬁ ligature'],
    ['email', 'аdmin@shop.test', 'a Cyrillic а'],
    ['email', 'ＡＤＭＩＮ＠ｓｈｏｐ．ｔｅｓｔ', 'fullwidth letters, @ and .'],
    ['email', 'ADM1N@SHOP.TEST', 'upper case, 1 for I'],
    ['email', 'ﬁona@shop.test', 'the ﬁ ligature'],
    ['email', 'AdMіn@ѕhop.test', 'mixed case with Cyrillic і and ѕ'],
    ['email', 'admin@shop.test\u200b', 'an invisible zero-width space'],
  ] as const)('answers 409 for the %s %s (%s), and creates nothing', async (field, value, _label) => {
    await createUser({ username: 'admin', email: 'admin@shop.test' });
    await createUser({ username: 'fiona', email: 'fiona@shop.test' });
    const fresh = { username: 'newcomer', email: 'newcomer@shop.test' };
    const res = await register({ ...valid, ...fresh, [field]: value }).expect(409);
    expect(res.body).toMatchObject({ status: 409, detail: taken[field] });
    expect(await User.count()).toBe(2);
  });

  it('stores usernames and e-mails NFKC-normalised: fullwidth and ligatures become plain ASCII', async () => {
    const res = await register({ ...valid, username: 'ｊｕｎｅ_ﬁ', email: 'Ｊｕｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ' }).expect(
      201,
    );
    expect(res.body).toMatchObject({ username: 'june_fi', email: 'June@example.com' });
    expect(await User.findByPk(res.body.id as number)).toMatchObject({
      username: 'june_fi',
      email: 'June@example.com',
    });
    // After normalisation a username is still ASCII only: a Cyrillic letter is refused, not stored.
    const cyrillic = await register({ ...valid, username: 'аda', email: 'other@example.com' }).expect(422);
    expect(cyrillic.body.errors).toEqual([{ field: 'username', message: expect.any(String) }]);
    expect(await User.count()).toBe(1);
  });

  it('still lets distinct names in, written plainly or in fullwidth', async () => {
    await createUser({ username: 'ada_l', email: 'ada@example.com' });
    for (const [username, email] of [
      ['ada.l', 'ada.l@example.com'],
      ['ada_m', 'ａｄａｍ＠ｅｘａｍｐｌｅ．ｃｏｍ'],
      ['ｂｏｂ', 'bob@example.com'],
      ['bop', 'bop@example.com'],
      ['oda_l', 'oda@example.com'],
    ]) {
      await register({ ...valid, username, email }).expect(201);
    }
    expect(await User.count()).toBe(6);
  });

  it('lets exactly one of concurrent registrations of look-alike usernames through', async () => {
    const lookAlikes = ['modern', 'rnodern', 'MODERN', 'm0dern', 'rn0dern', 'ｍｏｄｅｒｎ', 'MOdern', 'rnODERN'];
    const attempts = await Promise.all(
      lookAlikes.map((username, i) => register({ ...valid, username, email: `modern${i}@example.com` })),
    );
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const details = attempts.filter((r) => r.status === 409).map((r) => (r.body as { detail: string }).detail);
    expect(new Set(details)).toEqual(new Set([taken.username]));
    expect(await User.count()).toBe(1);
  });

  it('lets exactly one of two concurrent registrations of look-alike e-mails through', async () => {
    const attempts = await Promise.all([
      register({ ...valid, username: 'first', email: 'grace@example.com' }),
      register({ ...valid, username: 'second', email: 'grаce@example.com' }),
    ]);
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(attempts.find((r) => r.status === 409)?.body.detail).toBe(taken.email);
    expect(await User.count()).toBe(1);
  });
});
