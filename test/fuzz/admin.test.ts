/**
 * The staff panel's JSON API (AdminJS, signed in as staff), fuzzed lightly:
 * hostile form fields to new/edit of products, categories and users, hostile
 * list filters, sorts, pages, record ids and searches. No 5xx, no stack trace
 * or SQL in any answer, the invariants hold, and the shop API still serves
 * whatever the panel stored. Then the panel's request bodies: multipart forms
 * (well-formed, broken, over each limit, with files), JSON and odd types, from
 * staff and from visitors without a session: every refusal a problem, every
 * anonymous body but the login form a 401, and not one file in os.tmpdir().
 * FUZZ_RUNS / FUZZ_SEED as in api.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Category, Product, User } from '../../src/models/index.js';
import { useTestApp } from '../support/context.js';
import { createUser } from '../support/factories.js';
import { FuzzClient, type FuzzRequest, budget, seedOf } from '../support/fuzz.js';
import { staffCookie, useServedPanel } from '../support/served-panel.js';
import { invariantViolations } from './invariants.js';
import { type BodyRequest, bodyAnswerProblems, loginBody, panelBody } from './panel-bodies.js';
import { type World, seedWorld } from './seed.js';
import { NUMERIC_TEXT, hostileString, hostileValue, pct, plain } from './values.js';

const REQUESTS = budget(process.env.FUZZ_RUNS, 0.045);
const BODY_REQUESTS = budget(process.env.FUZZ_RUNS, 0.015);
const SEED = seedOf(process.env.FUZZ_SEED);
const BATCH = 5;

const ctx = useTestApp();
const panel = useServedPanel(ctx);

type Editable = 'products' | 'categories' | 'users';
const MODELS: Record<Editable, { getAttributes(): Record<string, { type: unknown }> }> = {
  products: Product,
  categories: Category,
  users: User,
};
const LISTED = ['products', 'categories', 'users', 'orders', 'order_items', 'reviews', 'carts', 'admin_logs'];

/** A valid-looking value for a column of type `type` called `name`. */
function validField(name: string, type: string, ids: number[]): fc.Arbitrary<string> {
  if (name === 'role') return fc.constant('customer');
  if (name === 'email') return fc.nat(1e6).map((n) => `staffmade${n}@shop.test`);
  if (name === 'username') return fc.nat(1e6).map((n) => `staffmade${n}`);
  if (name === 'new_password') return fc.constant('a-fine-password-1');
  if (name === 'image_url') return fc.constant('https://images.example.com/x.jpg');
  if (name.endsWith('_id')) return fc.constantFrom(...ids).map(String);
  if (type === 'DECIMAL') return fc.integer({ min: 1, max: 1e6 }).map((c) => (c / 100).toFixed(2));
  if (type === 'INTEGER') return fc.integer({ min: 0, max: 1000 }).map(String);
  if (type === 'BOOLEAN') return fc.constantFrom('true', 'false');
  if (type === 'DATE') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  return fc.nat(1e6).map((n) => `Staff made ${n}`);
}

/** Form fields for a resource: every column (read-only ones too), each valid or hostile; `role` never exactly "admin". */
function fieldsOf(resource: Editable, ids: number[]): fc.Arbitrary<[string, string][]> {
  const columns = Object.entries(MODELS[resource].getAttributes()).map(
    ([name, a]) => [name, (a.type as { key: string }).key] as const,
  );
  if (resource === 'users') columns.push(['new_password', 'STRING']);
  const hostile = fc.oneof(hostileString, fc.constantFrom(...NUMERIC_TEXT), hostileValue.map(plain));
  return fc
    .tuple(
      ...columns.map(([name, type]) =>
        fc
          .oneof(
            { weight: 3, arbitrary: validField(name, type, ids) },
            { weight: 2, arbitrary: hostile },
            fc.constant(undefined),
          )
          .map((value) =>
            value === undefined || (name === 'role' && value === 'admin') ? [] : [[name, value] as [string, string]],
          ),
      ),
    )
    .map((fields) => fields.flat());
}

const encode = (fields: [string, string][]): Pick<FuzzRequest, 'headers' | 'body'> => ({
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: fields.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&'),
});
const get = (url: string, route: string): FuzzRequest => ({ method: 'GET', url, route, headers: {} });
const api = (path: string) => `/admin/api/resources/${path}`;
const LIST_PARAMS = [
  'filters.name',
  'filters.price',
  'filters.stock',
  'filters.created_at~~from',
  'filters.user_id',
  'filters.status',
];
const LIST_VALUES = fc.oneof(hostileString, fc.constantFrom('id', 'password_hash', 'desc', '-1', '1e309'));

/** Panel requests: new and edit with hostile fields; list, show, edit page and search with hostile parameters. */
function panelRequests(world: World, ids: Record<Editable, number[]>): fc.Arbitrary<FuzzRequest> {
  const resource = fc.constantFrom<Editable>('products', 'categories', 'users');
  const anyResource = fc.constantFrom(...LISTED);
  const recordId = fc.oneof(
    fc.constantFrom('0', '-1', '2147483648', '1e309', 'abc', '%00', '1 OR 1=1', ...world.pools.ids.map(String)),
    hostileString.map((s) => pct(s, 2_000)),
  );
  const listQuery = fc.array(
    fc.tuple(fc.constantFrom(...LIST_PARAMS, 'sortBy', 'direction', 'page', 'perPage'), LIST_VALUES),
    { maxLength: 4 },
  );
  return fc.oneof(
    {
      weight: 4,
      arbitrary: resource.chain((r) =>
        fieldsOf(r, world.categoryIds).map((f) => ({
          method: 'POST',
          url: api(`${r}/actions/new`),
          route: `${r}/new`,
          ...encode(f),
        })),
      ),
    },
    {
      weight: 4,
      arbitrary: resource.chain((r) =>
        fc.tuple(fc.constantFrom(...ids[r]), fieldsOf(r, world.categoryIds)).map(([id, f]) => ({
          method: 'POST',
          url: api(`${r}/records/${id}/edit`),
          route: `${r}/edit`,
          ...encode(f),
        })),
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(anyResource, listQuery)
        .map(([r, q]) =>
          get(`${api(`${r}/actions/list`)}?${q.map(([k, v]) => `${k}=${pct(v, 2_000)}`).join('&')}`, `${r}/list`),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(anyResource, recordId, fc.constantFrom('show', 'edit'))
        .map(([r, id, action]) => get(api(`${r}/records/${id}/${action}`), `${r}/records/{id}/${action}`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(anyResource, hostileString)
        .map(([r, q]) => get(api(`${r}/actions/search/${pct(q, 2_000) || 'x'}`), `${r}/search`)),
    },
  );
}

/** Panel paths outside the resources' API, for visitors without a session. */
const OTHER_PATHS = [
  '/admin',
  '/admin/logout',
  '/admin/resources/products',
  '/admin/api/dashboard',
  '/admin/refresh-token',
];

/** Bodies to the paths that take one (new, edit, order actions), from staff and from visitors without a session; visits and login forms. */
function bodyRequests(world: World, ids: Record<Editable, number[]>): fc.Arbitrary<BodyRequest> {
  const resource = fc.constantFrom<Editable>('products', 'categories', 'users');
  const orderIds = [...world.shopperOrderIds, ...world.victimOrderIds];
  const formOf = (r: Editable) => fieldsOf(r, world.categoryIds);
  const target = fc.oneof(
    resource.map((r) => ({ url: api(`${r}/actions/new`), fields: formOf(r) })),
    resource.chain((r) =>
      fc.constantFrom(...ids[r]).map((id) => ({ url: api(`${r}/records/${id}/edit`), fields: formOf(r) })),
    ),
    // The confirm button's form.
    fc.tuple(fc.constantFrom('ship', 'cancel', 'complete'), fc.constantFrom(...orderIds)).map(([action, id]) => ({
      url: api(`orders/records/${id}/${action}`),
      fields: fc.constant<[string, string][]>([['confirmed', 'yes']]),
    })),
  );
  const withBody = (anonymous: boolean) =>
    fc
      .tuple(
        target,
        anonymous ? fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE') : fc.constant('POST'),
        anonymous ? fc.constantFrom(undefined, ...OTHER_PATHS) : fc.constant(undefined),
      )
      .chain(([{ url, fields }, method, other]) =>
        panelBody(fields).map(({ kind, staffStatus, headers, body }): BodyRequest => ({
          anonymous,
          staffStatus,
          request: { method, url: other ?? url, route: `${anonymous ? 'anonymous' : 'staff'} ${kind}`, headers, body },
        })),
      );
  return fc.oneof(
    { weight: 6, arbitrary: withBody(false) },
    { weight: 3, arbitrary: withBody(true) },
    {
      weight: 2,
      arbitrary: loginBody().map(({ kind, headers, body }): BodyRequest => ({
        anonymous: true,
        request: { method: 'POST', url: '/admin/login', route: `anonymous ${kind}`, headers, body },
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          target.map((t) => t.url),
          fc.constantFrom('/admin/login', ...OTHER_PATHS),
        )
        .map((url): BodyRequest => ({ anonymous: true, request: get(url, 'anonymous visit') })),
    },
  );
}

describe('fuzzing the admin panel API', () => {
  it(
    `answers ${REQUESTS} hostile panel requests without 5xx or leaks and keeps the invariants`,
    async () => {
      const world = await seedWorld(ctx.app);
      const victims = [world.shopper.id, world.victim.id, (await createUser()).id];
      const { staffId, cookie } = await staffCookie(panel.baseUrl);
      const staffIds = [...world.staffIds, staffId];
      const client = new FuzzClient(panel.baseUrl, {}, () => ({ Cookie: cookie }));
      const requests = panelRequests(world, {
        products: world.productIds,
        categories: world.categoryIds,
        users: victims,
      });

      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(fc.array(requests, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          const answers = await client.sendAll(batch);
          answers.forEach((answer, i) => {
            if (answer?.status === 302)
              client.record(batch[i]!, 302, 'the staff session ended', answer.headers.get('location') ?? '');
          });
          for (const broken of await invariantViolations(staffIds))
            client.record(batch[0]!, 0, `invariant broken after this batch: ${broken}`, '');
        }),
        { numRuns: Math.ceil(REQUESTS / BATCH), seed: SEED },
      );

      // Whatever the panel stored, the shop API still answers for it.
      const products = await Product.findAll({ attributes: ['id'], raw: true });
      const categories = await Category.findAll({ attributes: ['id'], raw: true });
      const sweep = [
        ...[1, 2, 3].map((page) => `/api/v1/products?page_size=100&page=${page}`),
        '/api/v1/products?sort=name&page_size=100',
        '/api/v1/products/hot?limit=50',
        '/api/v1/categories',
        ...products.flatMap(({ id }) => [`/api/v1/products/${id}`, `/api/v1/products/${id}/reviews`]),
        ...categories.map(({ id }) => `/api/v1/categories/${id}`),
      ];
      await client.sendAll(sweep.map((url) => get(url, `(after) ${url.split('?')[0]!.replace(/\/\d+/g, '/{id}')}`)));

      const seconds = (performance.now() - started) / 1000;
      console.log(
        `fuzz admin: ${client.sent} requests in ${seconds.toFixed(1)} s (${Math.round(client.sent / seconds)}/s), ` +
          `${client.failures.length} failures, seed ${SEED}\n${client.coverage()}`,
      );
      expect.soft(client.failures.length, client.describe(`FUZZ_SEED=${SEED}`)).toBe(0);
      expect(client.sent).toBeGreaterThanOrEqual(REQUESTS);
    },
    Math.max(120_000, REQUESTS * 200),
  );

  it(
    `answers ${BODY_REQUESTS} panel bodies (multipart, broken, oversized, files; staff and anonymous) with 2xx or problems, and stores no file`,
    async () => {
      const world = await seedWorld(ctx.app);
      const victims = [world.shopper.id, world.victim.id, (await createUser()).id];
      const { staffId, cookie } = await staffCookie(panel.baseUrl);
      const staffIds = [...world.staffIds, staffId];
      const staff = new FuzzClient(panel.baseUrl, {}, () => ({ Cookie: cookie }));
      const anonymous = new FuzzClient(panel.baseUrl);
      const requests = bodyRequests(world, {
        products: world.productIds,
        categories: world.categoryIds,
        users: victims,
      });
      panel.tmp.snapshot();

      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(fc.array(requests, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          const answers = await Promise.all(
            batch.map((item) => (item.anonymous ? anonymous : staff).send(item.request)),
          );
          answers.forEach((answer, i) => {
            const item = batch[i]!;
            if (!answer) return;
            for (const problem of bodyAnswerProblems(item, answer))
              (item.anonymous ? anonymous : staff).record(item.request, answer.status, problem, answer.text);
          });
          const files = panel.tmp.newEntries();
          if (files.length) {
            staff.record(batch[0]!.request, 0, `files left in os.tmpdir(): ${files.join(', ')}`, '');
            panel.tmp.snapshot();
          }
          for (const broken of await invariantViolations(staffIds))
            staff.record(batch[0]!.request, 0, `invariant broken after this batch: ${broken}`, '');
        }),
        { numRuns: Math.ceil(BODY_REQUESTS / BATCH), seed: SEED },
      );

      const seconds = (performance.now() - started) / 1000;
      const sent = staff.sent + anonymous.sent;
      const failures = staff.failures.length + anonymous.failures.length;
      console.log(
        `fuzz admin bodies: ${sent} requests in ${seconds.toFixed(1)} s, ${failures} failures, seed ${SEED}\n` +
          `${staff.coverage()}\n${anonymous.coverage()}`,
      );
      expect.soft(staff.failures.length, staff.describe(`FUZZ_SEED=${SEED}`)).toBe(0);
      expect.soft(anonymous.failures.length, anonymous.describe(`FUZZ_SEED=${SEED}`)).toBe(0);
      expect(sent).toBeGreaterThanOrEqual(BODY_REQUESTS);
    },
    Math.max(120_000, BODY_REQUESTS * 400),
  );
});
