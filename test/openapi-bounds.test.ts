/**
 * The spec's field types and bounds are true and complete: every whole
 * number is an integer with limits, every string and array a client sends
 * is bounded, and the server refuses what breaks a bound before doing any
 * work with it (a 90,000-character password is never handed to bcrypt).
 * What the server answers is checked against the same bounds.
 */
import { readFile } from 'node:fs/promises';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import bcrypt from 'bcrypt';
import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, TEST_PASSWORD, userWithTokens } from './support/auth.js';
import { useTestApp } from './support/context.js';
import { createCategory, createProduct } from './support/factories.js';
import { addToCart, checkout } from './support/shop.js';

const ctx = useTestApp();

// ajv-formats is CommonJS with `exports.default`; NodeNext types see the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** A schema object of the spec, loosely typed: the walks below read any keyword. */
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: boolean | Schema;
}

interface Operation {
  parameters?: { name: string; in: string; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

let spec: Spec;
beforeAll(async () => {
  spec = JSON.parse(await readFile(new URL('../src/generated/openapi.json', import.meta.url), 'utf8')) as Spec;
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The schema a `$ref` points at (components only, as tsoa writes them). */
const resolve = (schema: Schema): Schema =>
  schema.$ref ? resolve(spec.components.schemas[schema.$ref.replace('#/components/schemas/', '')]!) : schema;

/** Every schema reachable from `schema`, with a readable path, each component visited once. */
function* walk(schema: Schema, path: string, seen = new Set<string>()): Generator<[string, Schema]> {
  if (schema.$ref) {
    if (seen.has(schema.$ref)) return;
    seen.add(schema.$ref);
    yield* walk(resolve(schema), schema.$ref.replace('#/components/schemas/', ''), seen);
    return;
  }
  yield [path, schema];
  for (const [name, property] of Object.entries(schema.properties ?? {}))
    yield* walk(property, `${path}.${name}`, seen);
  if (schema.items) yield* walk(schema.items, `${path}[]`, seen);
  for (const part of [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    yield* walk(part, path, seen);
  }
  if (typeof schema.additionalProperties === 'object') yield* walk(schema.additionalProperties, `${path}{}`, seen);
}

/** Every schema of every parameter and request body: all that a client sends. */
function* inputs(): Generator<[string, Schema]> {
  for (const [route, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const where = `${method.toUpperCase()} ${route}`;
      for (const parameter of operation.parameters ?? []) {
        yield* walk(parameter.schema, `${where} ${parameter.in} ${parameter.name}`);
      }
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        yield* walk(media.schema, `${where} body (${type})`);
      }
    }
  }
}

/** Every component schema and what it holds, each once: the bodies the server answers with, and the requests'. */
function* components(): Generator<[string, Schema]> {
  const seen = new Set<string>();
  for (const name of Object.keys(spec.components.schemas))
    yield* walk({ $ref: `#/components/schemas/${name}` }, name, seen);
}

/** POST /users/me/password as the token's user. */
const changePassword = (token: string, body: object) =>
  request(ctx.app).post('/api/v1/users/me/password').set('Authorization', bearer(token)).send(body);

/** The fields a 422 names. */
const fieldsOf = (res: request.Response): string[] =>
  (res.body as { errors: { field: string }[] }).errors.map((e) => e.field);

describe('request bounds the server keeps', () => {
  it('refuses a 90,000-character current_password with 422 on the field, and never hands it to bcrypt', async () => {
    const { tokens } = await userWithTokens(ctx.app);
    const compare = vi.spyOn(bcrypt, 'compare');
    const res = await changePassword(tokens.access_token, {
      current_password: 'x'.repeat(90_000),
      new_password: 'another-password',
    });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(res)).toEqual(['current_password']);
    expect(compare).not.toHaveBeenCalled();

    // The bound is the PASSWORD rule's: 73 characters are refused, 72 are compared (and wrong).
    await changePassword(tokens.access_token, { current_password: 'x'.repeat(73), new_password: 'another-password' })
      .expect(422)
      .expect((answer) => expect(fieldsOf(answer)).toEqual(['current_password']));
    expect(compare).not.toHaveBeenCalled();
    const wrong = await changePassword(tokens.access_token, {
      current_password: 'x'.repeat(72),
      new_password: 'another-password',
    }).expect(422);
    expect(wrong.body.errors).toEqual([{ field: 'current_password', message: 'is not the current password' }]);
    expect(compare).toHaveBeenCalledTimes(1);
  });

  for (const type of ['json', 'form'] as const) {
    it(`refuses over-long or malformed scope, client_id and client_secret on login (${type}), before any compare`, async () => {
      const { user } = await userWithTokens(ctx.app);
      const login = (extra: Record<string, string>) =>
        request(ctx.app)
          .post('/api/v1/auth/login')
          .type(type)
          .send({ grant_type: 'password', username: user.username, password: TEST_PASSWORD, ...extra });
      const compare = vi.spyOn(bcrypt, 'compare');
      for (const field of ['scope', 'client_id', 'client_secret']) {
        const res = await login({ [field]: 'x'.repeat(256) });
        expect(res.status, field).toBe(422);
        expect(fieldsOf(res), field).toEqual([field]);
        expect((await login({ [field]: 'caf\u00e9' })).status, `${field} with a non-ASCII letter`).toBe(422);
      }
      expect((await login({ scope: 'admin "all"' })).status).toBe(422);
      expect(compare).not.toHaveBeenCalled();

      // At the bounds, they are accepted (and ignored).
      const ok = await login({ scope: 'admin', client_id: 'x'.repeat(255), client_secret: 's3cret!~ ok' });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    });
  }

  it('refuses an over-long or malformed refresh token with 422, and a well-formed unknown one with 401', async () => {
    const refresh = (token: string) => request(ctx.app).post('/api/v1/auth/refresh').send({ refresh_token: token });
    for (const token of ['a'.repeat(4097), 'has a space', 'line\nbreak', 'caf\u00e9']) {
      const res = await refresh(token);
      expect(res.status, JSON.stringify(token.slice(0, 20))).toBe(422);
      expect(fieldsOf(res)).toEqual(['refresh_token']);
    }
    await refresh('not-a-token').expect(401);
    await refresh('e30.e30.').expect(401);
  });
});

describe("the spec's types", () => {
  it('declares every whole number as an int32 with a minimum and maximum, and only the average rating as a fraction', () => {
    const numbers = [...components(), ...inputs()].filter(([, s]) => s.type === 'number' || s.type === 'integer');
    const fractions = numbers.filter(([, s]) => s.type === 'number').map(([path]) => path);
    expect(fractions).toEqual(['ProductSummary.rating_avg', 'ProductDetail.rating_avg']);
    for (const [path, schema] of numbers) {
      expect(schema.minimum, `${path} minimum`).toBeTypeOf('number');
      expect(schema.maximum, `${path} maximum`).toBeTypeOf('number');
      if (schema.type === 'integer') {
        expect(schema.format, path).toBe('int32');
        expect(schema.minimum!, path).toBeGreaterThanOrEqual(-2_147_483_648);
        expect(schema.maximum!, path).toBeLessThanOrEqual(2_147_483_647);
      }
    }
  });

  it('types ids, stock, quantities, counts, totals and paging as integers', () => {
    const wholeNumbers: Record<string, string[]> = {
      UserOut: ['id'],
      ProductSummary: ['id', 'stock', 'category_id', 'review_count', 'sales_count'],
      ProductDetail: ['id', 'stock', 'category_id', 'review_count', 'sales_count'],
      ProductPage: ['total', 'page', 'page_size'],
      ProductCategory: ['id'],
      ReviewOut: ['id', 'product_id', 'rating'],
      Page_ReviewOut_: ['total', 'page', 'page_size'],
      Page_OrderSummary_: ['total', 'page', 'page_size'],
      CategoryOut: ['id', 'sort_order', 'product_count'],
      CartLine: ['product_id', 'quantity', 'stock'],
      CartOut: ['total_quantity'],
      OrderOut: ['id'],
      OrderItemOut: ['product_id', 'quantity'],
      OrderSummary: ['id', 'item_count', 'total_quantity'],
      StockShortage: ['product_id', 'requested', 'available'],
      TokenPair: ['expires_in', 'refresh_expires_in'],
      HealthStatus: ['uptime_seconds'],
    };
    for (const [name, properties] of Object.entries(wholeNumbers)) {
      for (const property of properties) {
        const schema = resolve(spec.components.schemas[name]!.properties![property]!);
        expect(schema, `${name}.${property}`).toMatchObject({ type: 'integer', format: 'int32' });
      }
    }
    expect(resolve(spec.components.schemas.OrderOut!.properties!.id!)).toMatchObject({
      minimum: 1,
      maximum: 2147483647,
    });
    expect(spec.components.schemas.CartOut!.properties!.items).toMatchObject({ maxItems: 100_000 });
    expect(spec.components.schemas.Id).toMatchObject({ example: 1 });
  });

  it('bounds every string and array a client sends', () => {
    for (const [path, schema] of inputs()) {
      if (schema.type === 'string' && !schema.enum) expect(schema.maxLength, path).toBeTypeOf('number');
      if (schema.type === 'array') expect(schema.maxItems, path).toBeTypeOf('number');
    }
    const login = spec.components.schemas.LoginRequest!.properties!;
    for (const field of ['username', 'password', 'scope', 'client_id', 'client_secret']) {
      expect(login[field]!.maxLength, field).toBeLessThanOrEqual(255);
    }
    expect(spec.components.schemas.ChangePasswordRequest!.properties!.current_password!.maxLength).toBe(72);
  });

  it('bounds every string and array of the bodies, except the two TEXT columns without a rule', () => {
    const unbounded = [...components()]
      .filter(
        ([, s]) =>
          (s.type === 'string' && !s.enum && s.maxLength === undefined) ||
          (s.type === 'array' && s.maxItems === undefined),
      )
      .map(([path]) => path);
    expect(unbounded).toEqual(['ProductDetail.description', 'CategoryOut.description']);
    for (const [path, schema] of components()) {
      if (schema.format === 'date-time') expect(schema.maxLength, path).toBe(24);
    }
  });
});

describe('what the server answers keeps the bounds', () => {
  let validate: (name: string) => ValidateFunction;
  beforeAll(() => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const format of ['int32', 'int64', 'double']) ajv.addFormat(format, true);
    ajv.addSchema(spec, 'spec');
    validate = (name) => ajv.getSchema(`spec#/components/schemas/${name}`)!;
  });

  /** Asserts that `body` is a valid `name`, with ajv's reasons when not. */
  const expectValid = (name: string, body: unknown) => {
    const check = validate(name);
    expect(check(body) ? [] : check.errors, name).toEqual([]);
  };

  it('answers accounts, tokens, products, carts and orders within their declared bounds', async () => {
    const category = await createCategory();
    const product = await createProduct(category.id, { stock: 3 });
    const registered = await request(ctx.app)
      .post('/api/v1/auth/register')
      .send({ username: 'ada_l', email: 'ada@example.com', password: TEST_PASSWORD, phone: '+1 555 0100' })
      .expect(201);
    expectValid('UserOut', registered.body);
    const login = await request(ctx.app)
      .post('/api/v1/auth/login')
      .send({ username: 'ada_l', password: TEST_PASSWORD })
      .expect(200);
    expectValid('TokenPair', login.body);
    const token = (login.body as { access_token: string }).access_token;

    expectValid('ProductDetail', (await request(ctx.app).get(`/api/v1/products/${product.id}`).expect(200)).body);
    expectValid('ProductPage', (await request(ctx.app).get('/api/v1/products').expect(200)).body);
    expectValid('CategoryOut', (await request(ctx.app).get(`/api/v1/categories/${category.id}`).expect(200)).body);
    await addToCart(ctx.app, token, product.id, 2);
    const cart = await request(ctx.app).get('/api/v1/cart').set('Authorization', bearer(token)).expect(200);
    expectValid('CartOut', cart.body);
    expectValid('OrderOut', await checkout(ctx.app, token));
    const orders = await request(ctx.app).get('/api/v1/orders').set('Authorization', bearer(token)).expect(200);
    expectValid('Page_OrderSummary_', orders.body);
  });
});
