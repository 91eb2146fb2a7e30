/**
 * One set of rules: the definitions in src/rules.ts, the served OpenAPI
 * spec (whose annotations tsoa reads as JSDoc literals), the validators tsoa
 * generated from them (and their messages), and the migrations' CHECK
 * constraints and column types must say the same thing. A change to one
 * without the others fails here.
 */
import { readFile } from 'node:fs/promises';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sequelize } from '../src/db.js';
import {
  EMAIL,
  MAX_INTEGER,
  MONEY,
  ORDER_STATUSES,
  PASSWORD,
  PHONE,
  PRICE,
  QUANTITY,
  RATING,
  STOCK,
  USERNAME,
  USER_ROLES,
} from '../src/rules.js';
import { useTestApp } from './support/context.js';

const ctx = useTestApp();

type Schema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };

/** The components of the spec the app serves. */
async function servedSchemas(): Promise<Record<string, Schema>> {
  const res = await request(ctx.app).get('/openapi.json').expect(200);
  return (res.body as { components: { schemas: Record<string, Schema> } }).components.schemas;
}

type Validators = Record<string, { value?: unknown; errorMsg?: string }>;

/**
 * The validators tsoa generated (src/generated/routes.ts) for a type alias,
 * or for one property of a model: each line of its models table is JSON.
 */
async function generatedValidators(model: string, property?: string): Promise<Validators> {
  const routes = await readFile(new URL('../src/generated/routes.ts', import.meta.url), 'utf8');
  const start = routes.indexOf(`    "${model}": {`);
  expect(start, `${model} in the generated routes`).toBeGreaterThan(0);
  const block = routes.slice(start, routes.indexOf('\n    },', start));
  const line = property
    ? block.split('\n').find((text) => text.trimStart().startsWith(`"${property}": `))
    : block.split('\n').find((text) => text.trimStart().startsWith('"type": '));
  expect(line, `${model}.${property ?? 'type'} in the generated routes`).toBeDefined();
  const json = line!
    .trim()
    .replace(/^"[^"]+": /, '')
    .replace(/,$/, '');
  return (JSON.parse(json) as { validators?: Validators }).validators ?? {};
}

/** Every generated validator of `model` says `message`. */
function expectMessages(validators: Validators, message: string): void {
  expect(Object.keys(validators).length).toBeGreaterThan(0);
  for (const [name, validator] of Object.entries(validators)) expect(validator.errorMsg, name).toBe(message);
}

/** A CHECK constraint's definition, as PostgreSQL prints it. */
async function check(name: string): Promise<string> {
  const [row] = await sequelize.query<{ def: string }>(
    'SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = $1',
    { bind: [name], type: QueryTypes.SELECT },
  );
  expect(row, `constraint ${name}`).toBeDefined();
  return row!.def;
}

/** The quoted values of an IN (...) / = ANY (ARRAY[...]) CHECK. */
const listedValues = (definition: string): string[] => [...definition.matchAll(/'([^']*)'/g)].map((match) => match[1]!);

/** A column's type as information_schema tells it. */
async function column(table: string, name: string) {
  const [row] = await sequelize.query<{
    data_type: string;
    character_maximum_length: number | null;
    numeric_precision: number | null;
    numeric_scale: number | null;
  }>(
    `SELECT data_type, character_maximum_length, numeric_precision, numeric_scale
       FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`,
    { bind: [table, name], type: QueryTypes.SELECT },
  );
  expect(row, `${table}.${name}`).toBeDefined();
  return row!;
}

describe('the spec and the rules', () => {
  it('declares money, usernames, e-mails, phones, passwords, quantities and ratings as the rules do', async () => {
    const schemas = await servedSchemas();
    expect(schemas.Money).toMatchObject({ type: 'string', pattern: MONEY.pattern });
    expect(schemas.Username).toMatchObject({ pattern: USERNAME.inputPattern, maxLength: USERNAME.maxLength });
    expect(schemas.Email).toMatchObject({ pattern: EMAIL.inputPattern, maxLength: EMAIL.maxLength });
    const phone = { pattern: PHONE.pattern, minLength: PHONE.minLength, maxLength: PHONE.maxLength };
    expect(schemas.Phone).toMatchObject(phone);
    expect(schemas.UpdateMeRequest!.properties!.phone).toMatchObject({ ...phone, nullable: true });
    expect(schemas.Password).toMatchObject({ minLength: PASSWORD.minLength, maxLength: PASSWORD.maxLength });
    expect(schemas.Quantity).toMatchObject({ type: 'integer', minimum: QUANTITY.min, maximum: QUANTITY.max });
    expect(schemas.CreateReviewRequest!.properties!.rating).toMatchObject({
      type: 'integer',
      minimum: RATING.min,
      maximum: RATING.max,
    });
  });

  it('lists the order statuses and roles the rules list', async () => {
    const schemas = await servedSchemas();
    expect(schemas.OrderStatus!.enum).toEqual([...ORDER_STATUSES]);
    expect(schemas.UserRole!.enum).toEqual([...USER_ROLES]);
    expect(schemas.UserOut!.properties!.role).toEqual({ $ref: '#/components/schemas/UserRole' });
  });

  it("answers a broken rule with the rule's own message (the generated validators carry it)", async () => {
    expectMessages(await generatedValidators('Username'), USERNAME.message);
    expectMessages(await generatedValidators('Email'), EMAIL.message);
    expectMessages(await generatedValidators('Phone'), PHONE.message);
    expectMessages(await generatedValidators('UpdateMeRequest', 'phone'), PHONE.message);
    expectMessages(await generatedValidators('Password'), PASSWORD.message);
    expectMessages(await generatedValidators('Quantity'), QUANTITY.message);
    expectMessages(await generatedValidators('CreateReviewRequest', 'rating'), RATING.message);
    expectMessages(await generatedValidators('Money'), MONEY.message);
  });
});

describe('the migrations and the rules', () => {
  it('store money as NUMERIC(precision, scale), which the money pattern fits exactly', async () => {
    for (const [table, name] of [
      ['products', 'price'],
      ['orders', 'total_amount'],
      ['order_items', 'price'],
      ['order_items', 'subtotal'],
    ] as const) {
      expect(await column(table, name), `${table}.${name}`).toMatchObject({
        data_type: 'numeric',
        numeric_precision: MONEY.precision,
        numeric_scale: MONEY.scale,
      });
    }
    expect(MONEY.pattern).toBe(`^\\d{1,${MONEY.precision - MONEY.scale}}(\\.\\d{1,${MONEY.scale}})?$`);
    expect(await check('products_price_positive')).toBe('CHECK ((price > (0)::numeric))');
    expect(PRICE.accepts('0.01') && !PRICE.accepts('0') && !PRICE.accepts('0.00')).toBe(true);
    expect(PRICE.accepts('9999999999.99') && !PRICE.accepts('10000000000')).toBe(true);
  });

  it('bound stock, quantities and ratings as the rules do', async () => {
    expect(await check('products_stock_nonnegative')).toBe(`CHECK ((stock >= ${STOCK.min}))`);
    expect((await column('products', 'stock')).data_type).toBe('integer');
    expect(STOCK.max).toBe(MAX_INTEGER);
    expect(await check('carts_quantity_positive')).toBe(`CHECK ((quantity > ${QUANTITY.min - 1}))`);
    expect(await check('order_items_quantity_positive')).toBe(`CHECK ((quantity > ${QUANTITY.min - 1}))`);
    expect(await check('reviews_rating_range')).toBe(
      `CHECK (((rating >= ${RATING.min}) AND (rating <= ${RATING.max})))`,
    );
  });

  it('allow exactly the order statuses and roles the rules list', async () => {
    expect(listedValues(await check('orders_status_check')).sort()).toEqual([...ORDER_STATUSES].sort());
    expect(listedValues(await check('users_role_check')).sort()).toEqual([...USER_ROLES].sort());
  });

  it('size the account columns as the rules do, and store names NFKC-normalised as the rules check them', async () => {
    expect((await column('users', 'username')).character_maximum_length).toBe(USERNAME.maxLength);
    expect((await column('users', 'email')).character_maximum_length).toBe(EMAIL.maxLength);
    expect((await column('users', 'phone')).character_maximum_length).toBe(PHONE.maxLength);
    expect(await check('users_username_nfkc')).toMatch(/IS NFKC NORMALIZED/);
    expect(await check('users_email_nfkc')).toMatch(/IS NFKC NORMALIZED/);
  });
});

describe('the rules themselves', () => {
  it("keep the schema's looser username and e-mail patterns a necessary condition of the rule", () => {
    const names = [
      'ada_l',
      'ａｄａ',
      'ﬁsh',
      'a.b-c',
      'ab',
      'a b',
      'x'.repeat(50),
      'x'.repeat(51),
      'ﬃ'.repeat(17),
      'émile',
    ];
    for (const name of names) {
      if (!USERNAME.accepts(name)) continue;
      expect(new RegExp(USERNAME.inputPattern).test(name), name).toBe(true);
      expect([...name].length, name).toBeLessThanOrEqual(USERNAME.maxLength);
    }
    expect(names.filter((name) => USERNAME.accepts(name))).toEqual(['ada_l', 'ａｄａ', 'ﬁsh', 'a.b-c', 'x'.repeat(50)]);
    for (const address of ['ada@example.com', 'ａｄａ＠example．com']) {
      expect(EMAIL.accepts(address), address).toBe(true);
      expect(new RegExp(EMAIL.inputPattern).test(address), address).toBe(true);
    }
    expect(EMAIL.accepts('a@b.c')).toBe(false);
    expect(EMAIL.accepts(`${'a'.repeat(250)}@example.com`)).toBe(false);
  });

  it('accept phones, passwords and whole numbers exactly within their bounds', () => {
    expect(['+1 555 0100', '(01) 234-5', '12345'].every(PHONE.accepts)).toBe(true);
    expect(['1234', '+1 555 0100 x12', `1${'2'.repeat(32)}`, '++12345'].some(PHONE.accepts)).toBe(false);
    expect(PASSWORD.accepts('12345678') && !PASSWORD.accepts('1234567')).toBe(true);
    expect(PASSWORD.accepts('é'.repeat(36)) && !PASSWORD.accepts('é'.repeat(37))).toBe(true);
    expect([0, '0', 7, '12', MAX_INTEGER].every(STOCK.accepts)).toBe(true);
    expect([-1, '1.5', 'abc', '', MAX_INTEGER + 1, null].some(STOCK.accepts)).toBe(false);
    expect([1, 999].every(QUANTITY.accepts) && ![0, 1000].some(QUANTITY.accepts)).toBe(true);
    expect([1, 5].every(RATING.accepts) && ![0, 6, 2.5].some(RATING.accepts)).toBe(true);
  });
});
