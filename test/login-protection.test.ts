/**
 * Password guessing: failures count per account (username and e-mail are one
 * account) and per canonical client address, and an account attacked from
 * many addresses is throttled as a whole, without locking its owner out of
 * the addresses they use. The app trusts X-Forwarded-For from loopback here
 * (TRUST_PROXY=loopback), as it would from a proxy in front of it.
 */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';

process.env.TRUST_PROXY = 'loopback';
const { config, loadConfig } = await import('../src/config.js');
const { canonicalAddress } = await import('../src/auth/rate-limits.js');
const { useTestApp } = await import('./support/context.js');
const { TEST_PASSWORD } = await import('./support/auth.js');
const { createUser } = await import('./support/factories.js');
const { STAFF_PASSWORD } = await import('./support/admin.js');
const { loadAdminPanel } = await import('../src/admin/index.js');

const ctx = useTestApp();

const { loginMaxFailures, accountMaxFailures } = config.auth;
const login = (username: string, password: string, from: string) =>
  request(ctx.app).post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ username, password });

describe('canonical client addresses', () => {
  it('counts IPv4-mapped IPv6 as IPv4 and IPv6 by its /64, whatever the spelling', () => {
    expect(canonicalAddress('::ffff:10.9.9.9')).toBe('10.9.9.9');
    expect(canonicalAddress('10.9.9.9')).toBe('10.9.9.9');
    const network = canonicalAddress('2001:db8::1');
    expect(network).toBe('2001:db8::/64');
    for (const same of ['2001:DB8:0:0:0:0:0:1', '2001:db8::2', '2001:db8:0:0:ffff:ffff:ffff:ffff']) {
      expect(canonicalAddress(same)).toBe(network);
    }
    expect(canonicalAddress('2001:db8:0:1::1')).not.toBe(network);
    expect(canonicalAddress(undefined)).toBe('unknown');
  });
});

describe('failed logins per (account, address)', () => {
  it('gives a username and its e-mail address (any case, NFKC) one budget', async () => {
    await createUser({ username: 'grace', email: 'grace@example.test' });
    const spellings = ['grace', 'grace@example.test', 'GRACE', 'Grace@Example.Test', 'ｇｒａｃｅ'];
    for (let i = 0; i < loginMaxFailures; i += 1) {
      await login(spellings[i % spellings.length]!, 'wrong-password', '203.0.113.7').expect(401);
    }
    await login('grace@example.test', TEST_PASSWORD, '203.0.113.7').expect(429);
    await login('grace', TEST_PASSWORD, '203.0.113.7').expect(429);
  });

  it('gives every spelling of an address, and its /64 neighbours, one budget', async () => {
    await createUser({ username: 'grace' });
    const v6 = ['2001:db8::1', '2001:DB8:0:0:0:0:0:1', '2001:db8::2', '2001:db8::abcd', '2001:db8:0:0::9'];
    for (let i = 0; i < loginMaxFailures; i += 1) {
      await login('grace', 'wrong-password', v6[i % v6.length]!).expect(401);
    }
    await login('grace', TEST_PASSWORD, '2001:db8::77').expect(429);
    await login('grace', TEST_PASSWORD, '2001:db8:1::1').expect(200); // another /64

    await createUser({ username: 'ada' });
    for (let i = 0; i < loginMaxFailures; i += 1) {
      await login('ada', 'wrong-password', i % 2 ? '::ffff:10.9.9.9' : '10.9.9.9').expect(401);
    }
    await login('ada', TEST_PASSWORD, '10.9.9.9').expect(429);
    await login('ada', TEST_PASSWORD, '::ffff:10.9.9.9').expect(429);
  });
});

describe('failed logins per account, from every address', () => {
  it(`throttles an account after ${accountMaxFailures} failures from many addresses, not its owner at home`, async () => {
    await createUser({ username: 'demo' });
    // The owner logged in from home before the attack.
    await login('demo', TEST_PASSWORD, '198.51.100.10').expect(200);

    const statuses: number[] = [];
    for (let i = 0; i < accountMaxFailures + 10; i += 1) {
      statuses.push((await login('demo', 'guess-' + i, `192.0.2.${i + 1}`)).status);
    }
    expect(statuses.slice(0, accountMaxFailures).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(accountMaxFailures).every((status) => status === 429)).toBe(true);

    // The right password from yet another address is throttled too: the attacker learns nothing.
    const throttled = await login('demo', TEST_PASSWORD, '192.0.2.250').expect(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(throttled.headers['retry-after'])).toBeLessThanOrEqual(config.auth.accountFailureWindowSeconds);
    // The owner, from an address they logged in from lately, still gets in.
    await login('demo', TEST_PASSWORD, '198.51.100.10').expect(200);
    // ...and that success ends the throttle for everyone.
    await login('demo', TEST_PASSWORD, '192.0.2.251').expect(200);
  });

  it('counts the admin panel and API logins of one account against the same budget', async () => {
    await loadAdminPanel();
    await createUser({ username: 'boss', email: 'boss@shop.test', password: STAFF_PASSWORD, role: 'admin' });
    const panel = (password: string, from: string) =>
      request(ctx.app)
        .post('/admin/login')
        .set('X-Forwarded-For', from)
        .type('form')
        .send({ email: 'boss@shop.test', password });
    for (let i = 0; i < loginMaxFailures - 1; i += 1) await panel('wrong-password', '203.0.113.9').expect(200);
    await login('boss', 'wrong-password', '203.0.113.9').expect(401);
    await login('boss', STAFF_PASSWORD, '203.0.113.9').expect(429);
    const refused = await panel(STAFF_PASSWORD, '203.0.113.9');
    expect(refused.status).toBe(400); // AdminJS shows its login page again with the error
    expect(refused.text).toContain('Too many failed logins');
  });
});

describe('TRUST_PROXY', () => {
  /** The address an app configured with `trustProxy` sees for a request from loopback claiming `forwarded`. */
  async function seenAddress(trustProxy: string, forwarded: string): Promise<string> {
    const parsed = loadConfig({ JWT_SECRET: 'x', SESSION_SECRET: 'y', TRUST_PROXY: trustProxy }).http.trustProxy;
    const probe = express();
    probe.set('trust proxy', parsed);
    probe.get('/', (req, res) => res.send(req.ip));
    return (await request(probe).get('/').set('X-Forwarded-For', forwarded)).text;
  }

  it('takes proxy addresses and subnets: X-Forwarded-For counts only from them', async () => {
    expect(await seenAddress('loopback', '192.0.2.1')).toBe('192.0.2.1');
    expect(await seenAddress('127.0.0.1/8, ::1', '192.0.2.1')).toBe('192.0.2.1');
    // A client reaching the instance directly (not from a listed proxy) cannot choose its address.
    expect(await seenAddress('10.0.0.0/8', '192.0.2.1')).toMatch(/127\.0\.0\.1/);
    expect(await seenAddress('0', '192.0.2.1')).toMatch(/127\.0\.0\.1/);
    // A hop count still works as before.
    expect(await seenAddress('1', '192.0.2.1, 198.51.100.1')).toBe('198.51.100.1');
  });

  it('refuses a value that is neither a hop count nor proxy addresses', () => {
    for (const bad of ['11', 'everything', '10.0.0.0/33', '10.0.0.1,', 'true']) {
      expect(() => loadConfig({ JWT_SECRET: 'x', SESSION_SECRET: 'y', TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
  });
});
