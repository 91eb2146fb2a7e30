/**
 * Two instances as one: two app processes on different ports share one
 * PostgreSQL database and one Redis. Each promise is checked with real
 * requests that start on one instance and finish on the other.
 */
import { AppProcess } from './app-process.js';
import { bearer, body, type Outcome, request } from './http.js';
import { DRILL_ADMIN, drillDatabase } from './postgres.js';
import { DisposableRedis } from './redis-server.js';
import { Report } from './report.js';
import type { Tokens } from './shop.js';
import { sleep, suffix } from './util.js';

const LOGIN_MAX_FAILURES = 4;
const AUTH_RATE_LIMIT = 6;
/** Short, so the drill can wait it out; the default is 10 s. */
const REFRESH_REUSE_GRACE_SECONDS = 1;

/** Each check talks from its own client IP (TRUST_PROXY=1), so the per-IP limits do not mix. */
let nextIp = 1;
const clientIp = (): Record<string, string> => ({ 'X-Forwarded-For': `198.51.100.${(nextIp += 1)}` });

const status = (outcome: Outcome): string => outcome.error ?? String(outcome.status);
const tokens = (outcome: Outcome): Tokens => {
  const pair = body<Tokens>(outcome);
  if (outcome.status !== 200 || !pair) throw new Error(`login/refresh failed: ${status(outcome)} ${outcome.body}`);
  return pair;
};

/** Registers a user through `app` from `ip` and logs in through `loginApp`. */
async function account(app: AppProcess, loginApp: AppProcess, ip: Record<string, string>) {
  const username = `drill_${suffix()}`;
  const password = 'drill-shopper-password';
  const reg = await request(app.base, '/api/v1/auth/register', {
    json: { username, email: `${username}@drill.test`, password },
    headers: ip,
  });
  if (reg.status !== 201) throw new Error(`register failed: ${status(reg)} ${reg.body}`);
  const pair = tokens(
    await request(loginApp.base, '/api/v1/auth/login', { json: { username, password }, headers: ip }),
  );
  return { username, password, ...pair };
}

async function logoutPropagates(report: Report, a: AppProcess, b: AppProcess): Promise<void> {
  const ip = clientIp();
  const user = await account(a, a, ip);
  const before = await request(b.base, '/api/v1/users/me', { headers: bearer(user.access_token) });
  const logout = await request(a.base, '/api/v1/auth/logout', {
    method: 'POST',
    headers: { ...ip, ...bearer(user.access_token) },
  });
  const after = await request(b.base, '/api/v1/users/me', { headers: bearer(user.access_token) });
  const refresh = await request(b.base, '/api/v1/auth/refresh', {
    json: { refresh_token: user.refresh_token },
    headers: ip,
  });
  report.check(
    before.status === 200 && logout.status === 204 && after.status === 401 && refresh.status === 401,
    'logout on A makes the token 401 on B at once (and its refresh token too)',
    `B /users/me ${status(before)}; A logout ${status(logout)}; right after, B /users/me ${status(after)}, B refresh ${status(refresh)}`,
  );
}

async function rotationIsShared(report: Report, a: AppProcess, b: AppProcess): Promise<void> {
  const ip = clientIp();
  const user = await account(b, b, ip);
  const refresh = (app: AppProcess, token: string) =>
    request(app.base, '/api/v1/auth/refresh', { json: { refresh_token: token }, headers: ip });
  const rotated = await refresh(a, user.refresh_token);
  const next = rotated.status === 200 ? tokens(rotated) : undefined;
  const retry = await refresh(b, user.refresh_token);
  const again = retry.status === 200 ? tokens(retry) : undefined;
  const againAccess = again
    ? await request(b.base, '/api/v1/users/me', { headers: bearer(again.access_token) })
    : undefined;
  report.check(
    next !== undefined && again?.refresh_token === next.refresh_token && againAccess?.status === 200,
    `a refresh token rotated on A and presented again on B within the grace (${REFRESH_REUSE_GRACE_SECONDS} s) gets the same new one`,
    `A refresh ${status(rotated)}; B, right after, with the old token ${status(retry)}` +
      (again ? ` (${again.refresh_token === next?.refresh_token ? 'same' : 'ANOTHER'} refresh token)` : '') +
      `; its access token on B → ${againAccess ? status(againAccess) : 'n/a'}`,
  );

  await sleep(REFRESH_REUSE_GRACE_SECONDS * 1000 + 200);
  const replay = await refresh(b, user.refresh_token);
  const ended = next
    ? await Promise.all(
        [a, b].map((app) => request(app.base, '/api/v1/users/me', { headers: bearer(next.access_token) })),
      )
    : [];
  report.check(
    replay.status === 401,
    'after the grace, that old refresh token is refused on B',
    `B replay of the old token after ${REFRESH_REUSE_GRACE_SECONDS} s ${status(replay)}`,
  );
  report.check(
    ended.length === 2 && ended.every((o) => o.status === 401),
    'the replay ends that login on both instances',
    `the rotated pair's access token on A → ${ended[0] ? status(ended[0]) : 'n/a'}, on B → ${ended[1] ? status(ended[1]) : 'n/a'}`,
  );
}

async function limitsAreShared(report: Report, a: AppProcess, b: AppProcess): Promise<void> {
  const user = await account(a, a, clientIp());
  const ip = clientIp();
  const attempt = (app: AppProcess, password: string) =>
    request(app.base, '/api/v1/auth/login', { json: { username: user.username, password }, headers: ip });
  const failures: Outcome[] = [];
  for (let i = 0; i < LOGIN_MAX_FAILURES; i += 1) failures.push(await attempt(i % 2 === 0 ? a : b, 'wrong-password'));
  const onA = await attempt(a, user.password);
  const onB = await attempt(b, user.password);
  const limited = (o: Outcome) => o.status === 429 && /failed logins/i.test(String(body(o)?.detail));
  report.check(
    failures.every((o) => o.status === 401) && limited(onA) && limited(onB),
    `the failed-login limit counts attempts across both (LOGIN_MAX_FAILURES=${LOGIN_MAX_FAILURES}: 2 on A + 2 on B)`,
    `wrong passwords A,B,A,B → ${failures.map(status).join(',')}; then the right password on A → ${status(onA)}, on B → ${status(onB)}`,
  );

  const flood = clientIp();
  const hits: Outcome[] = [];
  for (let i = 0; i < AUTH_RATE_LIMIT + 2; i += 1) {
    const app = i % 2 === 0 ? a : b;
    hits.push(await request(app.base, '/api/v1/auth/refresh', { json: { refresh_token: 'garbage' }, headers: flood }));
  }
  const allowed = hits.slice(0, AUTH_RATE_LIMIT);
  const over = hits.slice(AUTH_RATE_LIMIT);
  report.check(
    allowed.every((o) => o.status !== 429) && over.every((o) => o.status === 429),
    `the per-IP /auth/* limit counts requests across both (AUTH_RATE_LIMIT=${AUTH_RATE_LIMIT}, alternating A,B)`,
    `${hits.map(status).join(',')}`,
  );
}

/** Cache hits of B's product page and product list caches, from /metrics. */
async function cacheHits(app: AppProcess): Promise<number> {
  const text = (await request(app.base, '/metrics')).body;
  return [...text.matchAll(/^cache_lookups_total\{cache="(?:product|product-list)",result="hit"\} (\d+)/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

async function adminAndCache(report: Report, a: AppProcess, b: AppProcess): Promise<void> {
  const signIn = await request(a.base, '/admin/login', {
    form: { email: DRILL_ADMIN.email, password: DRILL_ADMIN.password },
  });
  const setCookie = signIn.headers['set-cookie'] ?? [];
  const cookie = setCookie.map((c) => c.split(';')[0]!).find((c) => c.startsWith('emporium.admin.sid='));
  const list = (app: AppProcess, withCookie: boolean) =>
    request(app.base, '/admin/api/resources/products/actions/list', {
      headers: withCookie && cookie ? { Cookie: cookie } : {},
    });
  const onB = await list(b, true);
  const anonymous = await list(b, false);
  const records = body<{ records?: unknown[] }>(onB)?.records;
  report.check(
    signIn.status === 302 &&
      cookie !== undefined &&
      onB.status === 200 &&
      Array.isArray(records) &&
      anonymous.status !== 200,
    'an admin session made on A works on B',
    `A /admin/login ${status(signIn)}${cookie ? ' (session cookie set)' : ' (NO session cookie)'}; B list with the cookie ${status(onB)} (${records?.length ?? 0} records), without ${status(anonymous)}`,
  );
  if (!cookie) return;

  const page = body<{ items: { id: number; category_id: number }[] }>(
    await request(b.base, '/api/v1/products?page_size=5&sort=name'),
  );
  const item = page?.items[0];
  if (!item) throw new Error('no product to edit');
  const productPath = `/api/v1/products/${item.id}`;
  const listPath = `/api/v1/products?category_id=${item.category_id}&page_size=100`;
  const priceOn = async (app: AppProcess) => {
    const detail = body<{ price: string; name: string; stock: number }>(await request(app.base, productPath));
    const listed = body<{ items: { id: number; price: string }[] }>(await request(app.base, listPath));
    return { detail, listed: listed?.items.find((p) => p.id === item.id)?.price };
  };
  await priceOn(b);
  const hitsBefore = await cacheHits(b);
  const warm = await priceOn(b); // served from B's cache now
  const warmHits = (await cacheHits(b)) - hitsBefore;
  const old = warm.detail!;
  const price = ((Math.round(Number(old.price) * 100) + 111) / 100).toFixed(2);
  const edit = await request(a.base, `/admin/api/resources/products/records/${item.id}/edit`, {
    form: { name: old.name, price, stock: String(old.stock), category_id: String(item.category_id) },
    headers: { Cookie: cookie },
  });
  const seen = await priceOn(b);
  report.check(
    warmHits >= 2 && edit.status === 200 && seen.detail?.price === price && seen.listed === price,
    'a price edited through A is served by B (page and list, from its warm cache) at once',
    `B had ${old.price} (${warmHits} cache hits when re-read); A edit ${status(edit)} to ${price}; B then serves page ${seen.detail?.price}, list ${seen.listed}`,
  );
}

/** Runs the drill and returns its report. */
export async function twoInstancesDrill(): Promise<Report> {
  const report = new Report('two-instances', 'Two instances as one (one PostgreSQL, one Redis)');
  try {
    const redis = await DisposableRedis.start();
    const database = await drillDatabase('two');
    const env = {
      DATABASE_URL: database,
      REDIS_URL: redis.url(),
      TRUST_PROXY: '1',
      LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES),
      AUTH_RATE_LIMIT: String(AUTH_RATE_LIMIT),
      REFRESH_REUSE_GRACE_SECONDS: String(REFRESH_REUSE_GRACE_SECONDS),
    };
    const [a, b] = await Promise.all([AppProcess.start('A', env), AppProcess.start('B', env)]);
    await Promise.all([a.warmUp(), b.warmUp()]);
    report.info(`setup: A pid ${a.pid} on :${a.port}, B pid ${b.pid} on :${b.port}; one drill database on the shared`);
    report.info(`       PostgreSQL, one disposable redis-server :${redis.port}; each check uses its own client IP`);
    await logoutPropagates(report, a, b);
    await rotationIsShared(report, a, b);
    await limitsAreShared(report, a, b);
    await adminAndCache(report, a, b);
    report.check(
      a.alive && b.alive && a.errorLogs().length + b.errorLogs().length === 0,
      'both instances ran without error logs',
      `A ${a.alive ? 'alive' : 'EXITED'}, B ${b.alive ? 'alive' : 'EXITED'}`,
    );
  } catch (error) {
    report.abort(error);
  }
  return report;
}
