/**
 * The last active admin stays: PostgreSQL's trigger refuses to demote,
 * deactivate or delete him on every path (panel edit, delete and bulk
 * delete, raw SQL, any API route through the error handler), also when two
 * transactions demote the last two admins at once; the panel says why.
 * Demoting yourself asks first. The seeder leaves an existing ADMIN_EMAIL
 * alone, and `npm run staff -- promote` gives admin access back.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sequelize } from '../src/db.js';
import { errorHandler } from '../src/middleware/error-handler.js';
import { AdminLog, User } from '../src/models/index.js';
import { activeAdmins, restoreAdminAccess } from '../src/services/staff-accounts.js';
import {
  LAST_ACTIVE_ADMIN_SQLSTATE,
  OWN_DEMOTION_REFUSED,
  lastActiveAdminRefusal,
} from '../src/services/staff-guard.js';
import { form, staffSession } from './support/admin.js';
import { bearer, userWithTokens } from './support/auth.js';
import { resetState, useTestApp } from './support/context.js';
import { createUser } from './support/factories.js';

const ctx = useTestApp();
const api = (path: string) => `/admin/api/resources/${path}`;
const lastOne = (username: string) => `At least one active admin must remain: ${username} is the last one.`;
const logs = () => AdminLog.findAll({ order: [['id', 'ASC']], raw: true });
const standing = async (id: number) =>
  User.findByPk(id, { attributes: ['role', 'is_active'], raw: true }).then((row) => ({ ...row }));
const ACTIVE_ADMIN = { role: 'admin', is_active: true };
/** The two ways to lose admin access. */
const DEMOTIONS: Record<string, string | boolean>[] = [{ role: 'customer' }, { is_active: false }];

/** The rejection's SQLSTATE (Sequelize keeps pg's error as `parent`). */
const sqlState = (error: unknown): string | undefined => (error as { parent?: { code?: string } }).parent?.code;

/** The signed-in admin's own edit form, as the panel posts it. */
const ownForm = (admin: User, fields: Record<string, string | boolean>) =>
  form({ username: admin.username, email: admin.email, role: 'admin', is_active: true, ...fields });

describe('the only active admin, in the panel', () => {
  it('cannot demote or deactivate himself, even when he confirms: refused in words, nothing saved or logged', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    for (const change of DEMOTIONS) {
      const res = await agent
        .post(api(`users/records/${admin.id}/edit`))
        .type('form')
        .send(ownForm(admin, { ...change, confirm_own_demotion: true }))
        .expect(200);
      expect(res.body.notice, JSON.stringify(change)).toEqual({ message: lastOne(admin.username), type: 'error' });
      expect(res.body.redirectUrl).toBeUndefined();
    }
    expect(await standing(admin.id)).toEqual(ACTIVE_ADMIN);
    expect(await logs()).toEqual([]);
    // Still signed in.
    await agent.get(api('users/actions/list')).expect(200);
  });

  it('cannot delete himself, alone or in a bulk delete with others (all or nothing)', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    const shopper = await createUser({ username: 'shopper' });
    const deleted = await agent.post(api(`users/records/${admin.id}/delete`)).expect(200);
    expect(deleted.body.notice).toEqual({ message: lastOne(admin.username), type: 'error' });

    const bulk = await agent.post(api(`users/bulk/bulkDelete?recordIds=${shopper.id},${admin.id}`)).expect(200);
    expect(bulk.body.notice).toEqual({ message: lastOne(admin.username), type: 'error' });
    expect(await User.count()).toBe(2);
    expect(await standing(admin.id)).toEqual(ACTIVE_ADMIN);
    expect(await logs()).toEqual([]);
  });

  it('is the last one when the other admin is inactive', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    await createUser({ username: 'dormant', role: 'admin', is_active: false });
    const res = await agent
      .post(api(`users/records/${admin.id}/edit`))
      .type('form')
      .send(ownForm(admin, { role: 'customer', confirm_own_demotion: true }))
      .expect(200);
    expect(res.body.notice.message).toBe(lastOne(admin.username));
    expect(await standing(admin.id)).toEqual(ACTIVE_ADMIN);
  });
});

describe('with two admins', () => {
  it('one may demote, deactivate or delete the other without confirming; the last one then stays', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    const other = await createUser({ username: 'deputy', email: 'deputy@shop.test', role: 'admin' });
    const edit = (fields: Record<string, string | boolean>) =>
      agent
        .post(api(`users/records/${other.id}/edit`))
        .type('form')
        .send(form({ username: 'deputy', email: 'deputy@shop.test', role: 'admin', is_active: true, ...fields }))
        .expect(200);

    expect((await edit({ role: 'customer' })).body.notice.type).toBe('success');
    expect(await standing(other.id)).toEqual({ role: 'customer', is_active: true });
    expect((await edit({ role: 'admin' })).body.notice.type).toBe('success');
    expect((await edit({ is_active: false })).body.notice.type).toBe('success');
    expect(await standing(other.id)).toEqual({ role: 'admin', is_active: false });
    const details = (await logs()).map((row) => row.details);
    expect(details).toEqual([
      { changes: { role: { old: 'admin', new: 'customer' } } },
      { changes: { role: { old: 'customer', new: 'admin' } } },
      { changes: { is_active: { old: true, new: false } } },
    ]);

    await agent.post(api(`users/records/${other.id}/delete`)).expect(200);
    expect(await User.findByPk(other.id)).toBeNull();
    expect(await standing(admin.id)).toEqual(ACTIVE_ADMIN);
  });

  it('demoting yourself is refused without the confirmation, allowed with it, and ends your session', async () => {
    const { agent, admin } = await staffSession(ctx.app);
    await createUser({ username: 'deputy', email: 'deputy@shop.test', role: 'admin' });
    for (const change of DEMOTIONS) {
      const refused = await agent
        .post(api(`users/records/${admin.id}/edit`))
        .type('form')
        .send(ownForm(admin, { ...change, confirm_own_demotion: false }))
        .expect(200);
      expect(refused.body.notice).toEqual({ message: OWN_DEMOTION_REFUSED, type: 'error' });
      expect(refused.body.record.errors.confirm_own_demotion.message).toBe(OWN_DEMOTION_REFUSED);
      // The form comes back as it was filled in.
      expect(refused.body.record.params).toMatchObject(change);
    }
    expect(await standing(admin.id)).toEqual(ACTIVE_ADMIN);
    expect(await logs()).toEqual([]);

    // Changing something else on your own account needs no confirmation.
    const phone = await agent
      .post(api(`users/records/${admin.id}/edit`))
      .type('form')
      .send(ownForm(admin, { phone: '+1 555 0100' }))
      .expect(200);
    expect(phone.body.notice.type).toBe('success');

    const confirmed = await agent
      .post(api(`users/records/${admin.id}/edit`))
      .type('form')
      .send(ownForm(admin, { phone: '+1 555 0100', role: 'customer', confirm_own_demotion: true }))
      .expect(200);
    expect(confirmed.body.notice.type).toBe('success');
    expect(await standing(admin.id)).toEqual({ role: 'customer', is_active: true });
    // The confirmation is a form field only: not a column, not in the log.
    const last = (await logs()).at(-1)!;
    expect(last).toMatchObject({ admin_id: admin.id, action: 'edit', target_id: String(admin.id) });
    expect(last.details).toEqual({ changes: { role: { old: 'admin', new: 'customer' } } });
    expect(JSON.stringify(await logs())).not.toContain('confirm_own_demotion');
    const [columns] = await sequelize.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name LIKE 'confirm%'`,
    );
    expect(columns).toEqual([]);

    const after = await agent.get(api('users/actions/list')).expect(302);
    expect(after.headers.location).toBe('/admin/login');
  });
});

describe('every other path', () => {
  it('raw SQL through Sequelize: UPDATE and DELETE of the last active admin are refused with P0A01', async () => {
    const admin = await createUser({ username: 'solo', role: 'admin' });
    for (const sql of [
      `UPDATE users SET role = 'customer' WHERE id = $1`,
      `UPDATE users SET is_active = false WHERE id = $1`,
      `DELETE FROM users WHERE id = $1`,
    ]) {
      const error = await sequelize.query(sql, { bind: [admin.id] }).catch((caught: unknown) => caught);
      expect(sqlState(error), sql).toBe(LAST_ACTIVE_ADMIN_SQLSTATE);
      expect(lastActiveAdminRefusal(error)?.message).toBe(lastOne('solo'));
    }
    // The models too (instance and bulk), and an update of every admin at once.
    await expect(admin.update({ role: 'customer' })).rejects.toSatisfy((e) => sqlState(e) === 'P0A01');
    await expect(User.destroy({ where: { id: admin.id } })).rejects.toSatisfy((e) => sqlState(e) === 'P0A01');
    await createUser({ username: 'second', role: 'admin' });
    await expect(sequelize.query(`UPDATE users SET is_active = false WHERE role = 'admin'`)).rejects.toSatisfy(
      (e) => sqlState(e) === 'P0A01',
    );
    expect(await User.count({ where: { role: 'admin', is_active: true } })).toBe(2);
    // Handing over in one statement is fine: an active admin remains at its end.
    await sequelize.query(`UPDATE users SET role = CASE WHEN username = 'solo' THEN 'customer' ELSE 'admin' END`);
    expect(await activeAdmins()).toHaveLength(1);
  });

  it('two transactions demoting the last two admins at once: exactly one succeeds, every time', async () => {
    for (let round = 1; round <= 5; round += 1) {
      await resetState();
      const [a, b] = [
        await createUser({ username: `alpha${round}`, role: 'admin' }),
        await createUser({ username: `bravo${round}`, role: 'admin' }),
      ];
      const demote = (target: User) =>
        sequelize.transaction(async (transaction) => {
          await User.update({ role: 'customer' }, { where: { id: target.id }, transaction });
          // Both demotions are made before either commits.
          await new Promise((resolve) => setTimeout(resolve, 30));
        });
      const results = await Promise.allSettled([demote(a), demote(b)]);
      const refused = results.filter((result) => result.status === 'rejected');
      expect(refused, `round ${round}`).toHaveLength(1);
      expect(sqlState((refused[0] as PromiseRejectedResult).reason)).toBe(LAST_ACTIVE_ADMIN_SQLSTATE);
      expect(await User.count({ where: { role: 'admin', is_active: true } })).toBe(1);
    }
  });

  it('the second demotion waits for the first to commit, then sees it and is refused', async () => {
    const a = await createUser({ username: 'alpha', role: 'admin' });
    const b = await createUser({ username: 'bravo', role: 'admin' });
    const first = await sequelize.transaction();
    const second = await sequelize.transaction();
    try {
      await User.update({ is_active: false }, { where: { id: a.id }, transaction: first });
      let settled = false;
      const blocked = User.update({ is_active: false }, { where: { id: b.id }, transaction: second }).finally(() => {
        settled = true;
      });
      blocked.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(settled).toBe(false);
      await first.commit();
      const error = await blocked.catch((caught: unknown) => caught);
      expect(lastActiveAdminRefusal(error)?.message).toBe(lastOne('bravo'));
    } finally {
      await second.rollback();
    }
    expect(await standing(a.id)).toEqual({ role: 'admin', is_active: false });
    expect(await standing(b.id)).toEqual(ACTIVE_ADMIN);
  });

  it('any API route that hits the rule answers 409 problem+json in words (the shared error handler)', async () => {
    const admin = await createUser({ username: 'solo', role: 'admin' });
    // No endpoint of the API changes a role or deletes an account today; any that does goes through this handler.
    const app = express()
      .delete('/api/v1/users/:id', async (req, res, next) => {
        try {
          await User.destroy({ where: { id: Number(req.params.id) } });
          res.status(204).end();
        } catch (error) {
          next(error);
        }
      })
      .use(errorHandler);
    const res = await request(app).delete(`/api/v1/users/${admin.id}`).expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:emporium:problem:conflict',
      title: 'Conflict',
      status: 409,
      detail: lastOne('solo'),
      instance: `/api/v1/users/${admin.id}`,
    });
    expect(await standing(admin.id)).toEqual(ACTIVE_ADMIN);
  });

  it("the API's own account endpoint cannot change a role or is_active at all (422)", async () => {
    const { user, tokens } = await userWithTokens(ctx.app, { role: 'admin' });
    for (const body of [{ role: 'customer' }, { is_active: false }]) {
      await request(ctx.app)
        .patch('/api/v1/users/me')
        .set('Authorization', bearer(tokens.access_token))
        .send(body)
        .expect(422);
    }
    expect(await standing(user.id)).toEqual(ACTIVE_ADMIN);
  });
});

describe('seeding and recovery', () => {
  const seeder = createRequire(import.meta.url)('../seeders/20261125100002-admin-user.cjs') as {
    up(queryInterface: unknown): Promise<void>;
    down(queryInterface: unknown): Promise<void>;
  };
  const withAdminEmail = async (email: string, work: () => Promise<void>) => {
    const saved = process.env.ADMIN_EMAIL;
    process.env.ADMIN_EMAIL = email;
    try {
      await work();
    } finally {
      if (saved === undefined) delete process.env.ADMIN_EMAIL;
      else process.env.ADMIN_EMAIL = saved;
    }
  };

  it('the admin seeder leaves an existing ADMIN_EMAIL account as it is; undoing keeps the last active admin', async () => {
    await createUser({ username: 'deputy', role: 'admin' });
    const boss = await createUser({ username: 'boss', email: 'boss@shop.test', role: 'customer', is_active: false });
    const hash = boss.password_hash;
    await withAdminEmail('BOSS@shop.test', () => seeder.up(sequelize.getQueryInterface()));
    const row = await User.findByPk(boss.id);
    expect({ role: row!.role, is_active: row!.is_active, hash: row!.password_hash }).toEqual({
      role: 'customer',
      is_active: false,
      hash,
    });
    expect(await User.count()).toBe(2);

    // Undo: the seeded admin is the last active one, so he stays.
    await User.update({ role: 'admin', is_active: true }, { where: { id: boss.id } });
    await User.destroy({ where: { username: 'deputy' } });
    await withAdminEmail('boss@shop.test', () => seeder.down(sequelize.getQueryInterface()));
    expect(await standing(boss.id)).toEqual(ACTIVE_ADMIN);
  });

  it('restoreAdminAccess promotes and re-activates by e-mail, audited as the system; a second run changes nothing', async () => {
    await createUser({ username: 'deputy', role: 'admin' });
    const boss = await createUser({ username: 'boss', email: 'boss@shop.test', role: 'customer', is_active: false });
    expect(await restoreAdminAccess('BOSS@SHOP.TEST', 'test')).toEqual({
      id: boss.id,
      email: 'boss@shop.test',
      changed: true,
    });
    expect(await standing(boss.id)).toEqual(ACTIVE_ADMIN);
    expect(await logs()).toMatchObject([
      {
        admin_id: null,
        action: 'edit',
        target_type: 'users',
        target_id: String(boss.id),
        details: {
          changes: { role: { old: 'customer', new: 'admin' }, is_active: { old: false, new: true } },
          reason: 'test',
        },
      },
    ]);
    expect((await restoreAdminAccess('boss@shop.test', 'test')).changed).toBe(false);
    await expect(restoreAdminAccess('nobody@shop.test', 'test')).rejects.toMatchObject({ status: 404 });
  });

  it('`npm run staff -- promote <email>` and `list` work from a terminal', async () => {
    await createUser({ username: 'deputy', email: 'deputy@shop.test', role: 'admin' });
    await createUser({ username: 'boss', email: 'boss@shop.test', role: 'customer' });
    const run = (...args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'scripts/staff.ts', ...args], {
        cwd: new URL('..', import.meta.url).pathname,
        env: process.env,
      });
    const promoted = await run('promote', 'boss@shop.test');
    expect(promoted.stdout).toContain(`boss@shop.test`);
    expect(promoted.stdout).toContain('is now an active admin');
    expect((await run('list')).stdout.trim().split('\n')).toEqual(['deputy@shop.test', 'boss@shop.test']);
  }, 60_000);
});
