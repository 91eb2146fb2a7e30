/**
 * What the staff panel reads from a request body (src/admin/form-bodies.ts):
 * nothing without a staff session but a small login form, fields only; staff
 * forms in memory within limits; never a file on disk. Raw bodies over a
 * real port, so every byte is ours; os.tmpdir() (where AdminJS's formidable
 * used to leave uploads) is a folder of this file's own, and must stay empty.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { problemType } from '../src/errors.js';
import type { ProblemName } from '../src/schemas/problem.js';
import { AdminLog, Order, Product, User } from '../src/models/index.js';
import { STAFF_PASSWORD, form } from './support/admin.js';
import { userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct, createUser } from './support/factories.js';
import { type Part, fieldParts, multipart, multipartType, partHead } from './support/multipart.js';
import { type RawAnswer, type RawRequest, rawRequest } from './support/raw-http.js';
import { staffCookie, useServedPanel } from './support/served-panel.js';
import { addToCart, checkout, orderAction } from './support/shop.js';

const ctx = useTestApp();
const panel = useServedPanel(ctx);
beforeEach(() => panel.tmp.snapshot());

const KB = 1024;
const MB = 1024 * KB;
const api = (path: string) => `/admin/api/resources/${path}`;
const send = (request: RawRequest) => rawRequest(panel.baseUrl, request);
const post = (path: string, body: Buffer, type = multipartType(), headers: Record<string, string> = {}) =>
  send({ path, body, headers: { 'Content-Type': type, ...headers } });

/** A picture, as a browser would attach one. */
const picture = (bytes = 256 * KB): Part => ({
  name: 'image',
  filename: 'lamp.png',
  contentType: 'image/png',
  value: Buffer.alloc(bytes, 7),
});
/** The bytes of a request that says multipart but is not. */
const GARBAGE = Buffer.from('this is no multipart body\r\n--yy\r\nContent-Disposition: nonsense\r\n\r\n\0\0\0');
const GARBAGE_TYPE = 'multipart/form-data; boundary=xx';

/** `answer` is a problem+json `status` (of `slug`), with no stack trace or file path. */
function expectProblem(answer: RawAnswer, status: number, slug?: ProblemName): void {
  expect(answer.status, answer.text.slice(0, 300)).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(answer.text) as { type: string; status: number; title: string };
  expect(body).toMatchObject({ status, title: expect.any(String), type: expect.stringMatching(/^urn:emporium:/) });
  if (slug) expect(body.type).toBe(problemType(slug));
  expect(answer.text).not.toMatch(/\s+at .+:\d+:\d+|node_modules|\.ts:/);
}

const expectNoTempFiles = () => expect(panel.tmp.newEntries(), `new entries in ${panel.tmp.dir}`).toEqual([]);

/** A part of `bytes` bytes, streamed in chunks (no Content-Length) and never closed. */
const streamedUpload = (part: Omit<Part, 'value'>, bytes: number) => ({ head: partHead(part), bytes });

describe('without a staff session', () => {
  const PATHS = [
    api('products/actions/new'),
    api('users/records/1/edit'),
    api('categories/bulk/bulkDelete?recordIds=1'),
    api('orders/records/1/ship'),
    '/admin/resources/products',
    '/admin/logout',
  ];
  const BODIES: [string, Buffer, string][] = [
    ['a file', multipart([{ name: 'name', value: 'Lamp' }, picture()]), multipartType()],
    ['form fields', multipart(fieldParts(form({ name: 'Lamp', price: '9.99' }))), multipartType()],
    ['a malformed body', GARBAGE, GARBAGE_TYPE],
    ['3 MB', multipart([picture(3 * MB)]), multipartType()],
    ['a urlencoded form', Buffer.from('name=Lamp&price=9.99'), 'application/x-www-form-urlencoded'],
    ['an octet stream', Buffer.alloc(64 * KB, 1), 'application/octet-stream'],
  ];

  it('refuses any body but the login form with 401, unparsed, and stores nothing', async () => {
    await createUser();
    for (const path of PATHS) {
      for (const [label, body, type] of BODIES) {
        const answer = await post(path, body, type);
        expect.soft(answer.status, `${label} to ${path}`).toBe(401);
        if (answer.status === 401) expectProblem(answer, 401, 'unauthorized');
      }
    }
    expect(await Product.count()).toBe(0);
    expectNoTempFiles();
    // Without a body, an anonymous visit is sent to the login page as before.
    const visit = await send({ method: 'GET', path: api('products/actions/list') });
    expect(visit.status).toBe(302);
    expect(visit.headers.location).toBe('/admin/login');
  });

  it('reads the login form (urlencoded or multipart, fields only) and refuses anything else as a problem', async () => {
    await createUser({ email: 'boss@shop.test', password: STAFF_PASSWORD, role: 'admin' });
    const fields = { email: 'boss@shop.test', password: STAFF_PASSWORD };
    expectProblem(await post('/admin/login', GARBAGE, GARBAGE_TYPE), 400, 'malformed-body');
    expectProblem(await post('/admin/login', Buffer.from('x'), 'multipart/form-data'), 400, 'malformed-body');
    expectProblem(
      await post('/admin/login', multipart([...fieldParts(fields), picture(KB)])),
      415,
      'unsupported-media-type',
    );
    expectProblem(
      await post('/admin/login', multipart(fieldParts({ ...fields, note: 'x'.repeat(20 * KB) }))),
      413,
      'payload-too-large',
    );
    expectProblem(
      await post(
        '/admin/login',
        Buffer.from(`email=a&password=${'x'.repeat(20 * KB)}`),
        'application/x-www-form-urlencoded',
      ),
      413,
    );
    const elevenFields = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`f${i}`, 'x']));
    expectProblem(await post('/admin/login', multipart(fieldParts(elevenFields))), 413);
    expectProblem(await post('/admin/login', Buffer.from(JSON.stringify(fields)), 'application/json'), 415);
    expectProblem(await post('/admin/login', Buffer.from('email=%zz'), 'application/x-www-form-urlencoded'), 400);

    // The real thing still signs staff in, either way it is encoded.
    const asMultipart = await post('/admin/login', multipart(fieldParts(fields)));
    expect(asMultipart.status, asMultipart.text.slice(0, 200)).toBe(302);
    const asForm = await post(
      '/admin/login',
      Buffer.from(new URLSearchParams(fields).toString()),
      'application/x-www-form-urlencoded',
    );
    expect(asForm.status).toBe(302);
    expect(asForm.headers.location).toBe('/admin');
    expectNoTempFiles();
  });

  it('stops reading huge anonymous uploads early (five 40 MB posts, one 30 MB login) and stores nothing', async () => {
    const uploads = await Promise.all([
      ...Array.from({ length: 5 }, () =>
        send({
          path: api('products/actions/new'),
          headers: { 'Content-Type': multipartType() },
          body: streamedUpload(picture(), 40 * MB),
        }),
      ),
      send({
        path: '/admin/login',
        headers: { 'Content-Type': multipartType() },
        body: streamedUpload({ name: 'email' }, 30 * MB),
      }),
    ]);
    const login = uploads.pop()!;
    for (const upload of uploads) {
      expectProblem(upload, 401, 'unauthorized');
      // The server read a few MB at most (the rest of the gap is socket buffers), then cut the connection.
      expect(upload.sentAll).toBe(false);
      expect(upload.sent).toBeLessThan(16 * MB);
    }
    expectProblem(login, 413, 'payload-too-large');
    expect(login.sentAll).toBe(false);
    expect(login.sent).toBeLessThan(16 * MB);
    expectNoTempFiles();
  });
});

describe('with a staff session', () => {
  it('refuses files, malformed, oversized and unknown bodies with 4xx problems, saving nothing', async () => {
    const { cookie } = await staffCookie(panel.baseUrl);
    const category = await createCategory();
    const product = await createProduct(category.id, { name: 'Kite', price: '19.99' });
    const customer = await createUser({ username: 'clerk', email: 'clerk@shop.test' });
    const productForm = form({ name: 'Lamp', price: '9.99', stock: 3, category_id: category.id });
    const paths = [
      api('products/actions/new'),
      api(`products/records/${product.id}/edit`),
      api(`users/records/${customer.id}/edit`),
    ];
    const manyFields = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`f${i}`, 'x']));
    const bigFields = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}`, 'x'.repeat(250 * KB)]));
    const cases: [string, Buffer, string, number][] = [
      ['a file part', multipart([...fieldParts(productForm), picture()]), multipartType(), 415],
      [
        'a file part of octet-stream',
        multipart([{ name: 'name', value: 'x', contentType: 'application/octet-stream' }]),
        multipartType(),
        415,
      ],
      ['a malformed body', GARBAGE, GARBAGE_TYPE, 400],
      ['a cut-off body', multipart(fieldParts(productForm)).subarray(0, 80), multipartType(), 400],
      [
        'a field over 256 KB',
        multipart(fieldParts({ ...productForm, description: 'd'.repeat(257 * KB) })),
        multipartType(),
        413,
      ],
      ['a body over 1 MB', multipart(fieldParts(bigFields)), multipartType(), 413],
      ['201 fields', multipart(fieldParts(manyFields)), multipartType(), 413],
      [
        '201 urlencoded fields',
        Buffer.from(new URLSearchParams(manyFields).toString()),
        'application/x-www-form-urlencoded',
        413,
      ],
      ['an octet stream', Buffer.alloc(64 * KB, 1), 'application/octet-stream', 415],
      ['plain text', Buffer.from('name=Lamp'), 'text/plain', 415],
      ['broken JSON', Buffer.from('{"name":'), 'application/json', 400],
      ['a JSON array', Buffer.from('["name"]'), 'application/json', 400],
      ['JSON over 1 MB', Buffer.from(JSON.stringify({ name: 'x'.repeat(MB) })), 'application/json', 413],
      // Names AdminJS would resolve on Object.prototype (it answered 500).
      ['a field named constructor', Buffer.from('name=x&constructor=y'), 'application/x-www-form-urlencoded', 422],
      ['a field named toString.x', multipart(fieldParts({ name: 'x', 'toString.x': 'y' })), multipartType(), 422],
      ['a JSON member named valueOf', Buffer.from('{"price":{"valueOf":1}}'), 'application/json', 422],
    ];
    for (const path of paths) {
      for (const [label, body, type, status] of cases) {
        const answer = await post(path, body, type, { Cookie: cookie });
        expect.soft(answer.status, `${label} to ${path}: ${answer.text.slice(0, 200)}`).toBe(status);
        if (answer.status === status) expectProblem(answer, status);
      }
      const gzipped = await post(path, multipart(fieldParts(productForm)), multipartType(), {
        Cookie: cookie,
        'Content-Encoding': 'gzip',
      });
      expectProblem(gzipped, 415);
    }
    const huge = await send({
      path: api('products/actions/new'),
      headers: { 'Content-Type': multipartType(), Cookie: cookie },
      body: streamedUpload(picture(), 40 * MB),
    });
    expectProblem(huge, 415);
    expect(huge.sentAll).toBe(false);
    const declared = await send({
      path: api('products/actions/new'),
      headers: { 'Content-Type': multipartType(), Cookie: cookie },
      body: { ...streamedUpload({ name: 'description' }, 40 * MB), declareLength: true },
    });
    expectProblem(declared, 413);
    expect(declared.sentAll).toBe(false);

    expect(await Product.count()).toBe(1);
    expect(await Product.findByPk(product.id)).toMatchObject({ name: 'Kite', price: '19.99' });
    expect(await User.findByPk(customer.id)).toMatchObject({ username: 'clerk', email: 'clerk@shop.test' });
    expect(await AdminLog.count()).toBe(0);
    expectNoTempFiles();
    // The session survived every refusal.
    const list = await send({ method: 'GET', path: api('products/actions/list'), headers: { Cookie: cookie } });
    expect(list.status).toBe(200);
  });

  it('creates and edits a product with multipart forms as the panel posts them (audited); with a file, saves nothing', async () => {
    const { staffId, cookie } = await staffCookie(panel.baseUrl);
    const category = await createCategory();
    // A long description: the largest field the panel posts.
    const description = 'A lamp for long evenings. '.repeat(4_000);
    const created = await post(
      api('products/actions/new'),
      multipart(
        fieldParts(form({ name: 'Desk Lamp', description, price: '24.50', stock: 7, category_id: category.id })),
      ),
      multipartType(),
      { Cookie: cookie },
    );
    expect(created.status, created.text.slice(0, 300)).toBe(200);
    expect(JSON.parse(created.text).notice.type).toBe('success');
    const lamp = (await Product.findOne({ where: { name: 'Desk Lamp' } }))!;
    expect(lamp).toMatchObject({ description, price: '24.50', stock: 7 });

    const edited = await post(
      api(`products/records/${lamp.id}/edit`),
      multipart(
        fieldParts(form({ name: 'Desk Lamp', description, price: '29.00', stock: 7, category_id: category.id })),
      ),
      multipartType(),
      { Cookie: cookie },
    );
    expect(edited.status).toBe(200);
    expect((await Product.findByPk(lamp.id))!.price).toBe('29.00');

    // The confirm button of an order action posts JSON.
    const shopper = await userWithTokens(ctx.app);
    await addToCart(ctx.app, shopper.tokens.access_token, lamp.id, 1);
    const order = await checkout(ctx.app, shopper.tokens.access_token);
    await orderAction(ctx.app, shopper.tokens.access_token, order.id, 'pay').expect(200);
    const shipped = await post(
      api(`orders/records/${order.id}/ship`),
      Buffer.from('{"confirmed":"yes"}'),
      'application/json',
      {
        Cookie: cookie,
      },
    );
    expect(shipped.status).toBe(200);
    expect((await Order.findByPk(order.id))!.status).toBe('shipped');

    const rows = await AdminLog.findAll({ order: [['id', 'ASC']], raw: true });
    expect(rows.map((row) => [row.admin_id, row.action, row.target_type, row.target_id])).toEqual([
      [staffId, 'create', 'products', String(lamp.id)],
      [staffId, 'edit', 'products', String(lamp.id)],
      [staffId, 'ship', 'orders', String(order.id)],
    ]);
    expect(rows[1]!.details).toEqual({ changes: { price: { old: '24.50', new: '29.00' } } });

    // The same form with a picture attached: refused, nothing saved or logged, no file anywhere.
    const withPicture = await post(
      api('products/actions/new'),
      multipart([
        ...fieldParts(form({ name: 'Floor Lamp', price: '59.00', stock: 2, category_id: category.id })),
        picture(),
      ]),
      multipartType(),
      { Cookie: cookie },
    );
    expectProblem(withPicture, 415, 'unsupported-media-type');
    expect(await Product.count({ where: { name: 'Floor Lamp' } })).toBe(0);
    expect(await AdminLog.count()).toBe(3);
    expectNoTempFiles();
  });
});
