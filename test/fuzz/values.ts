/** Hostile values for the fuzz tests: a vocabulary of nasty strings and numbers, and fast-check arbitraries driven by JSON Schema. */
import fc from 'fast-check';

/** The parts of a JSON Schema (OpenAPI 3.0 flavour) the generators understand. */
export interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  items?: Schema;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  nullable?: boolean;
}

/** Real values of the seeded world (ids, usernames, passwords), so that some requests get past validation. */
export interface Pools {
  ids: number[];
  strings: string[];
}

const RAW = '\u0001raw:';
/** A number literal JSON.stringify cannot write (1e309, 30 digits, 1.0): placed as is by `toJson`, as text by `plain`. */
export const rawNumber = (literal: string): string => `${RAW}${literal}\u0001`;

/** JSON text of `value`, with `rawNumber` markers turned into bare number literals. */
export function toJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/"\\u0001raw:([^"\\]*)\\u0001"/g, '$1');
}

/** The text a value becomes in a path segment, query string or form field. */
export function plain(value: unknown): string {
  if (typeof value === 'string') return value.startsWith(RAW) ? value.slice(RAW.length, -1) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return toJson(value);
}

/** Percent-encodes the UTF-8 bytes of `text` (lone surrogates as U+FFFD) like a client would, cut to `max` characters at a character boundary. */
export function pct(text: string, max = Infinity): string {
  let out = '';
  for (const char of text) {
    const escaped = char.replace(/[^A-Za-z0-9\-_.~]/gu, (c) =>
      [...Buffer.from(c, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    );
    if (out.length + escaped.length > max) break;
    out += escaped;
  }
  return out;
}

/** A header value carrying `text` as raw UTF-8 bytes (what fetch allows: no control characters but tab), at most 2,000 bytes. */
export const headerValue = (text: string): string =>
  Buffer.from(text, 'utf8')
    .toString('latin1')
    .replace(/[^\t\x20-\x7e\x80-\xff]/g, '')
    .slice(0, 2_000);

export const SQL = [
  `'; DROP TABLE users; --`,
  `1' OR '1'='1`,
  `' UNION SELECT password_hash, email FROM users --`,
  `1; DELETE FROM products`,
  `') OR 1=1 --`,
  `'||pg_sleep(3)||'`,
  `$1`,
  `%' AND '%'='`,
  `\\'`,
  `1 OR 1=1`,
  `a:* & !b | (c <-> d)`,
  `"unclosed phrase`,
  `or or -`,
];
export const HTML = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '<!--',
  ']]>',
  '{{7*7}}',
  '${7*7}',
  '%s%s%s%n',
];
export const UNICODE = [
  '😀',
  '👩‍👩‍👧‍👦',
  '\u202Egnp.exe',
  'مرحبا بالعالم',
  'Z\u0337\u0322a\u0338l\u0336g\u0335o',
  '\uD800',
  '\uDFFF\uD800',
  '\uFEFFbom',
  'line\u2028sep',
  'İstanbul',
  'ß',
  'ﬃ',
  '１２３',
  '١٢٣',
  'zero\u200Bwidth',
  'ｓｅｌｅｃｔ',
];
export const CONTROL = [
  '\u0000',
  'a\u0000b',
  '\u0000\u0000\u0000',
  '\r\n',
  'a\r\nSet-Cookie: evil=1',
  '\t',
  '\b\f\v',
  '\u001b[31m',
];
export const PATHISH = [
  '../',
  '../../etc/passwd',
  '..%2F..%2F',
  '%00',
  '%',
  '%E0%A4%A',
  '/',
  '\\',
  'file:///etc/passwd',
];
export const NUMERIC_TEXT = [
  '-1',
  '0',
  '2147483648',
  '1e309',
  '-0',
  '1.5',
  '0x10',
  ' 1',
  '1 ',
  '+1',
  '00001',
  'NaN',
  'Infinity',
  '9'.repeat(40),
  '1,2',
  '1_000',
];
export const WORDS = ['', ' ', 'null', 'undefined', 'true', 'false', '[]', '{}', '__proto__', 'constructor', 'admin'];
export const LONG = ['a'.repeat(256), 'x'.repeat(5_000), '😀'.repeat(2_000), 'é'.repeat(73), 'a'.repeat(73)];
/** Just over JSON_BODY_LIMIT (100kb) once in a body. */
export const OVERSIZED = 'a'.repeat(100 * 1024 + 10);

export const VOCABULARY = [...SQL, ...HTML, ...UNICODE, ...CONTROL, ...PATHISH, ...NUMERIC_TEXT, ...WORDS];

/** Keys an attacker adds to a body hoping the server stores them. */
export const SMUGGLED_KEYS = [
  'role',
  'is_active',
  'price',
  'user_id',
  'total_amount',
  'status',
  'id',
  'created_at',
  'password_hash',
  'stock',
  'sales_count',
  'rating_avg',
  'review_count',
  'visible',
  'archived',
  'subtotal',
  '__proto__',
  'constructor',
];

/** Raw path segments and query values sent without encoding (broken escapes, encoded dots and NULs). */
export const RAW_SEGMENTS = ['%', '%00', '%E0%A4%A', '%2e%2e', '%2e%2e%2f', '%C0%AE', '%FF', '%%', '1%0a', '..', '.'];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...VOCABULARY) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(...VOCABULARY), fc.constantFrom(...VOCABULARY)).map(([a, b]) => a + b),
  },
  { weight: 1, arbitrary: fc.constantFrom(...LONG) },
);

export const NUMBERS = [0, -0, -1, 1.5, -1.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, 1e21, 1e308];
export const hostileNumber: fc.Arbitrary<number | string> = fc.oneof(
  fc.constantFrom(...NUMBERS, Number.MIN_VALUE, -1e308, 999, 1000, 100_001),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constantFrom(...['1e309', '-1e309', '123456789012345678901234567890', '1.0', '1E2', '-0.0'].map(rawNumber)),
);

/** A key of an object an attacker sends. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...SMUGGLED_KEYS), hostileString);

/** Any JSON value, nasty at every level (objects may carry own `__proto__` keys). */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom({ $gt: '' }, { toString: 'x' }, [1, 2], {}, []),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map(objectOf),
  ),
})).value;

/** An object from entries, keeping `__proto__` as an own key like JSON.parse does. */
export function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

const inRange = (schema: Schema) => (n: number) =>
  (schema.minimum === undefined || n >= schema.minimum) && (schema.maximum === undefined || n <= schema.maximum);

const fitsLength = (schema: Schema) => (text: string) =>
  text.length >= (schema.minLength ?? 0) && text.length <= (schema.maxLength ?? Infinity);

/** A value the schema accepts (or nearly: patterns and lengths are honoured, business rules are not). */
export function validValue(schema: Schema, pools: Pools): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const ids = pools.ids.filter(inRange(schema));
      const small = fc.integer({ min: Math.max(schema.minimum ?? -5, -5), max: Math.min(schema.maximum ?? 20, 20) });
      return ids.length ? fc.oneof(fc.constantFrom(...ids), small) : small;
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(schema.items ?? {}, pools), { maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object':
      return objectValue(schema, pools, (s) => validValue(s, pools), 0);
    case 'string': {
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      // Strings the schema accepts, nasty ones included (SQL, NUL, emoji within the length).
      const known = [...pools.strings, ...(schema.pattern ? [] : VOCABULARY)].filter(fitsLength(schema));
      const text = schema.pattern
        ? fc.stringMatching(new RegExp(schema.pattern)).filter(fitsLength(schema))
        : fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) });
      return known.length ? fc.oneof(text, fc.constantFrom(...known)) : text;
    }
    default:
      return hostileValue;
  }
}

/** Values at and just past the schema's edges, in the right type or the nearly right one. */
export function edgeValue(schema: Schema, pools: Pools): fc.Arbitrary<unknown> {
  const { minimum: min, maximum: max, minLength = 0, maxLength } = schema;
  const edges: unknown[] = [];
  if (schema.type === 'integer' || schema.type === 'number') {
    if (min !== undefined) edges.push(min, min - 1, min - 0.5, String(min));
    if (max !== undefined) edges.push(max, max + 1, max + 0.5, String(max), rawNumber(`${max}.0`));
    edges.push('1', ' 2 ', '1e1', true, [1], { value: 1 });
  }
  if (schema.type === 'string') {
    edges.push('a'.repeat(Math.max(minLength - 1, 0)), ' '.repeat(Math.max(minLength, 1)), 12345, true, ['x']);
    if (maxLength !== undefined) edges.push('a'.repeat(maxLength), 'a'.repeat(maxLength + 1), 'é'.repeat(maxLength));
  }
  if (schema.enum)
    edges.push(...schema.enum.map((v) => String(v).toUpperCase()), ...schema.enum.map((v) => `${String(v)} `));
  if (schema.type === 'array')
    edges.push(Array.from({ length: (schema.maxItems ?? 9) + 1 }, () => 'https://a.test/x.png'));
  if (schema.type === 'boolean') edges.push('true', 1, 0, 'yes');
  const near = validValue(schema, pools).map((v) => (typeof v === 'string' ? `${v}\u0000` : v));
  return edges.length ? fc.oneof(fc.constantFrom(...edges), near) : near;
}

/** Mostly-hostile values for one schema: valid ones, edge ones, and anything at all. */
export function fuzzValue(schema: Schema, pools: Pools): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: validValue(schema, pools) },
    { weight: 3, arbitrary: edgeValue(schema, pools) },
    { weight: 4, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(...pools.ids, ...pools.strings) },
  );
}

const OMIT = Symbol('omit');

/** An object for an object schema: properties from `value`, some dropped (required ones rarely), unknown ones added. */
export function objectValue(
  schema: Schema,
  pools: Pools,
  value: (schema: Schema) => fc.Arbitrary<unknown>,
  extraWeight = 1,
): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([name, property]) =>
    fc
      .oneof(
        { weight: required.has(name) ? 1 : 6, arbitrary: fc.constant<unknown>(OMIT) },
        { weight: 14, arbitrary: value(property) },
      )
      .map((v): [string, unknown] => [name, v]),
  );
  const smuggled = fc.tuple(
    hostileKey,
    fc.oneof(fc.constantFrom<unknown>('admin', '0.01', true, ...pools.ids), hostileValue),
  );
  const none = fc.constant<[string, unknown][]>([]);
  const extras =
    extraWeight > 0
      ? fc.oneof(
          { weight: 4, arbitrary: none },
          { weight: extraWeight, arbitrary: fc.array(smuggled, { maxLength: 2 }) },
        )
      : none;
  return fc
    .tuple(fc.tuple(...fields), extras)
    .map(([own, more]) => objectOf([...own.filter(([, v]) => v !== OMIT), ...more]));
}
