import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config.js';
import { runServer } from './support/server-process.js';

const secrets = {
  JWT_SECRET: 'j'.repeat(48),
  SESSION_SECRET: 's'.repeat(48),
};
const example = parseEnv(readFileSync(new URL('../.env.example', import.meta.url), 'utf8')) as Record<string, string>;

/** The ConfigError problems `loadConfig` throws for this environment. */
function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env, example);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('fills production-safe defaults for everything but the secrets', () => {
    const config = loadConfig(secrets);
    expect(config).toMatchObject({
      env: 'development',
      http: { port: 8000, host: '0.0.0.0', jsonBodyLimit: '100kb', trustProxy: 0 },
      db: { url: 'postgres://postgres@127.0.0.1:5432/emporium', poolMax: 10 },
      redis: { url: 'redis://127.0.0.1:6379/0', keyPrefix: 'emporium:', commandTimeoutMs: 500 },
      auth: { bcryptCost: 12, refreshReuseGraceSeconds: 10, loginMaxFailures: 5, accountMaxFailures: 20 },
      cache: { callerTtlSeconds: 5 },
      session: { cookieSecure: false },
      metricsToken: undefined,
      orders: {
        pendingTtlMinutes: 30,
        expirySweepSeconds: 15,
        maxPending: 3,
        maxUnitsPerLine: 50,
        maxUnitsPerOrder: 200,
      },
      jobs: { enabled: true },
    });
  });

  it('names each bad variable and what it expects', () => {
    expect(
      problems({
        ...secrets,
        PORT: '99999',
        LOG_LEVEL: 'loud',
        COOKIE_SECURE: 'yes',
        BCRYPT_COST: '3',
        JSON_BODY_LIMIT: 'lots',
      }),
    ).toEqual([
      'PORT: expected at most 65535 (got "99999")',
      expect.stringMatching(/^LOG_LEVEL: .*"info".* \(got "loud"\)$/),
      'BCRYPT_COST: expected at least 4 (got "3")',
      expect.stringMatching(/^COOKIE_SECURE: expected true or false/),
      'JSON_BODY_LIMIT: expected a size such as 100kb (got "lots")',
    ]);
  });

  it('requires the secrets and never echoes URLs or secrets', () => {
    const found = problems({ DATABASE_URL: 'mysql://root:hunter2@db/shop', PORT: 'eighty' });
    expect(found).toEqual([
      'PORT: expected a whole number from 0 to 65535 (got "eighty")',
      'DATABASE_URL: expected a URL such as postgres://user:password@host:5432/emporium',
      'JWT_SECRET: is required',
      'SESSION_SECRET: is required',
    ]);
    expect(found.join()).not.toContain('hunter2');
  });

  it('takes a refresh grace period from 0 (off) to 60 seconds', () => {
    expect(loadConfig({ ...secrets, REFRESH_REUSE_GRACE_SECONDS: '0' }).auth.refreshReuseGraceSeconds).toBe(0);
    expect(problems({ ...secrets, REFRESH_REUSE_GRACE_SECONDS: '61' })).toEqual([
      'REFRESH_REUSE_GRACE_SECONDS: expected at most 60 (got "61")',
    ]);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ ...secrets, PORT: '', METRICS_TOKEN: '' })).toMatchObject({
      http: { port: 8000 },
      metricsToken: undefined,
    });
  });

  it('in production refuses the development secrets and short secrets', () => {
    const production = { NODE_ENV: 'production' };
    expect(problems({ ...production, JWT_SECRET: example.JWT_SECRET, SESSION_SECRET: example.SESSION_SECRET })).toEqual(
      [
        'JWT_SECRET: is the development default; set your own secret in production',
        'SESSION_SECRET: is the development default; set your own secret in production',
      ],
    );
    expect(problems({ ...production, JWT_SECRET: 'x'.repeat(31), SESSION_SECRET: secrets.SESSION_SECRET })).toEqual([
      'JWT_SECRET: must be at least 32 bytes in production (openssl rand -base64 48)',
    ]);
    const config = loadConfig({ ...production, ...secrets });
    expect(config.isProduction).toBe(true);
    expect(config.session.cookieSecure).toBe(true);
  });
});

describe('.env.example', () => {
  const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');

  it('lists every variable the app reads, each under a comment', () => {
    const lines = text.split('\n');
    for (const name of CONFIG_VARIABLES) {
      const index = lines.findIndex((line) => line.startsWith(`${name}=`));
      expect(index, `${name} missing from .env.example`).toBeGreaterThan(0);
      expect(lines[index - 1], `${name} has no comment`).toMatch(/^# \S/);
    }
  });

  it("agrees with the code's defaults for every non-secret variable", () => {
    const fromExample = loadConfig(example);
    const fromCode = loadConfig({ ...secrets, NODE_ENV: example.NODE_ENV });
    expect({
      ...fromExample,
      auth: { ...fromExample.auth, jwtSecret: '' },
      session: { ...fromExample.session, secret: '' },
    }).toEqual({
      ...fromCode,
      auth: { ...fromCode.auth, jwtSecret: '' },
      session: { ...fromCode.session, secret: '' },
    });
  });
});

describe('server start with a bad configuration', () => {
  it('exits 1 with a message naming the variable', async () => {
    const { code, stderr, stdout } = await runServer({ PORT: 'abc' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT: expected a whole number from 0 to 65535 (got "abc")');
    expect(stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(stdout).not.toContain('listening');
  });

  it('refuses to start in production with the default JWT secret', async () => {
    const { code, stderr } = await runServer({
      NODE_ENV: 'production',
      JWT_SECRET: example.JWT_SECRET!,
      SESSION_SECRET: secrets.SESSION_SECRET,
    });
    expect(code).toBe(1);
    expect(stderr).toContain('JWT_SECRET: is the development default');
  });
});

describe('environment files', () => {
  /** A copy of db/env.cjs beside a .env and the real .env.example, in a directory of its own. */
  function project(): string {
    const root = mkdtempSync(join(tmpdir(), 'emporium-env-'));
    mkdirSync(join(root, 'db'));
    copyFileSync(new URL('../db/env.cjs', import.meta.url), join(root, 'db', 'env.cjs'));
    copyFileSync(new URL('../.env.example', import.meta.url), join(root, '.env.example'));
    writeFileSync(join(root, '.env'), 'AUTH_RATE_LIMIT=7\n');
    return root;
  }
  /** AUTH_RATE_LIMIT as a fresh process in `root` sees it after loading the env files under `nodeEnv`. */
  const seen = (root: string, nodeEnv: string): string =>
    execFileSync(
      process.execPath,
      ['-e', "require('./db/env.cjs').loadEnvFiles(); process.stdout.write(String(process.env.AUTH_RATE_LIMIT))"],
      { cwd: root, env: { PATH: process.env.PATH, NODE_ENV: nodeEnv } },
    ).toString();

  it("the suite never reads a developer's .env (its settings are explicit); development does", () => {
    const root = project();
    try {
      expect(seen(root, 'development')).toBe('7');
      expect(seen(root, 'test')).toBe(example.AUTH_RATE_LIMIT);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
