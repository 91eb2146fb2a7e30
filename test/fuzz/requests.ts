/** fast-check arbitraries of whole requests for a spec operation: hostile path, query, headers, Authorization and body; and raw malformed bodies. */
import fc from 'fast-check';
import type { FuzzRequest, Operation } from '../support/fuzz.js';
import {
  OVERSIZED,
  type Pools,
  RAW_SEGMENTS,
  type Schema,
  fuzzValue,
  headerValue,
  hostileKey,
  hostileString,
  hostileValue,
  objectValue,
  pct,
  plain,
  toJson,
  validValue,
} from './values.js';

/** How to attack: with which pools, tokens and how nastily. */
export interface Attack {
  pools: Pools;
  /** Names of the client's identities whose valid token may be sent. */
  identities: string[];
  /** Authorization values that must be refused. */
  junkAuth: string[];
  /** `hostile`: anything at all; `valid`: well-formed values from the pools (to reach ownership and business rules). */
  mode: 'hostile' | 'valid';
}

type Weighted<T> = [number, fc.Arbitrary<T>][];

/** `fc.oneof` over the options whose weight is above 0. */
function weighted<T>(options: Weighted<T>): fc.Arbitrary<T> {
  return fc.oneof(...options.filter(([w]) => w > 0).map(([weight, arbitrary]) => ({ weight, arbitrary })));
}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const EXTRA_HEADERS = [
  'If-None-Match',
  'Accept',
  'Accept-Language',
  'X-Request-Id',
  'X-Forwarded-For',
  'Cookie',
  'Range',
];

const valueFor = (schema: Schema, attack: Attack) =>
  attack.mode === 'valid' ? validValue(schema, attack.pools) : fuzzValue(schema, attack.pools);

const formOf = (value: Record<string, unknown>) =>
  Object.entries(value)
    .map(([k, v]) => `${pct(k)}=${pct(plain(v))}`)
    .join('&');

function pathOf(op: Operation, attack: Attack): fc.Arbitrary<string> {
  const hostile = attack.mode === 'hostile' ? 1 : 0;
  const params = op.parameters.filter((p) => p.in === 'path');
  const segments = params.map((p) =>
    weighted<string>([
      [8, valueFor(p.schema, attack).map((v) => pct(plain(v), 2_000))],
      [hostile, fc.constantFrom(...RAW_SEGMENTS)],
    ]),
  );
  return fc
    .tuple(...segments)
    .map((values) => params.reduce((path, p, i) => path.replace(`{${p.name}}`, values[i]!), op.path));
}

function queryOf(op: Operation, attack: Attack): fc.Arbitrary<string> {
  const hostile = attack.mode === 'hostile' ? 1 : 0;
  const pairs = op.parameters
    .filter((p) => p.in === 'query')
    .map((p) =>
      weighted<[string, string][]>([
        [p.required ? 0 : 3, fc.constant([])],
        [6, valueFor(p.schema, attack).map((v) => [[p.name, pct(plain(v), 2_000)]])],
        [
          hostile,
          fc
            .array(valueFor(p.schema, attack), { minLength: 2, maxLength: 3 })
            .map((vs) => vs.map((v) => [p.name, pct(plain(v), 2_000)])),
        ],
        [
          hostile,
          fc.tuple(hostileKey, hostileValue).map(([k, v]) => [[`${p.name}[${pct(k, 200)}]`, pct(plain(v), 2_000)]]),
        ],
        [hostile, fc.constantFrom(...RAW_SEGMENTS).map((raw) => [[p.name, raw]])],
      ]),
    );
  const extras = hostile
    ? fc.array(
        hostileKey.chain((k) => hostileValue.map((v): [string, string] => [pct(k, 200), pct(plain(v), 2_000)])),
        { maxLength: 2 },
      )
    : fc.constant([]);
  return fc.tuple(fc.tuple(...pairs), extras).map(([own, more]) => {
    const query = [...own.flat(), ...more]
      .map(([k, v]) => `${k}=${v}`)
      .join('&')
      .slice(0, 6_000);
    return query ? `?${query}` : '';
  });
}

function headersOf(op: Operation, attack: Attack): fc.Arbitrary<Pick<FuzzRequest, 'headers' | 'auth'>> {
  const hostile = attack.mode === 'hostile' ? 1 : 0;
  const junk = fc
    .oneof(hostileString, fc.constantFrom('*', 'W/"x"', '"0"', 'application/json', 'bytes=0-1,-1'))
    .map(headerValue);
  const named = [
    ...op.parameters
      .filter((p) => p.in === 'header')
      .map((p) => ({
        name: p.name,
        weight: p.required ? 0 : 2,
        value: valueFor(p.schema, attack).map((v) => headerValue(plain(v))),
      })),
    ...(hostile ? EXTRA_HEADERS.map((name) => ({ name, weight: 8, value: junk })) : []),
  ].map(({ name, weight, value }) =>
    weighted<[string, string] | undefined>([
      [weight, fc.constant(undefined)],
      [2, value.map((v): [string, string] => [name, v])],
    ]),
  );
  const auth = weighted<FuzzRequest['auth']>([
    [op.secured ? 6 : 1, fc.constantFrom(...attack.identities).map((as) => ({ as }))],
    [hostile ? 2 : 0, fc.constant(undefined)],
    [
      hostile * 3,
      fc
        .oneof(
          fc.constantFrom('Bearer', ...attack.junkAuth),
          hostileString.map((s) => `Bearer ${s}`),
        )
        .map((header) => ({ header: headerValue(header) })),
    ],
  ]);
  return fc.tuple(fc.tuple(...named), auth).map(([entries, chosen]) => ({
    headers: Object.fromEntries(entries.filter((e) => e !== undefined)),
    auth: chosen,
  }));
}

function bodyOf(op: Operation, attack: Attack): fc.Arbitrary<{ type?: string; body?: string }> {
  const hostile = attack.mode === 'hostile' ? 1 : 0;
  const json = (v: unknown) => ({ type: JSON_TYPE, body: toJson(v) });
  if (op.method === 'GET' || op.method === 'HEAD') return fc.constant({});
  if (!op.body)
    return weighted([
      [3, fc.constant({})],
      [hostile, hostileValue.map(json)],
    ]);
  const { schema, required, contentTypes } = op.body;
  const object = weighted([
    [1, objectValue(schema, attack.pools, (s) => validValue(s, attack.pools), hostile)],
    [hostile * 2, objectValue(schema, attack.pools, (s) => fuzzValue(s, attack.pools))],
  ]);
  return weighted<{ type?: string; body?: string }>([
    [10, object.map(json)],
    [contentTypes.includes(FORM_TYPE) ? 5 : 0, object.map((v) => ({ type: FORM_TYPE, body: formOf(v) }))],
    [hostile, hostileValue.map(json)],
    [required ? 1 : 2, fc.constant({})],
    [hostile, object.map((v) => json({ ...v, padding: OVERSIZED }))],
  ]);
}

/** Requests for one operation of the spec. */
export function requestFor(op: Operation, attack: Attack): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(pathOf(op, attack), queryOf(op, attack), headersOf(op, attack), bodyOf(op, attack))
    .map(([path, query, { headers, auth }, { type, body }]) => ({
      method: op.method,
      url: path + query,
      route: op.path,
      headers: type ? { ...headers, 'Content-Type': type } : headers,
      auth,
      body,
    }));
}

const NESTED = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
const RAW_BODIES = [
  '{',
  '}',
  '[',
  '"',
  'nul',
  '{"a":}',
  "{'a': 1}",
  '{"a":1,}',
  '/* c */ {}',
  'NaN',
  '{"a":1}{"b":2}',
  '\uFEFF{}',
  NESTED,
  `${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}`,
  '{"quantity":1,"quantity":"x"}',
  '{"__proto__":{"role":"admin"}}',
  '{"constructor":{"prototype":{"role":"admin"}}}',
  '',
  ' ',
  '\u0000',
  '{"a":"\\ud800"}',
  '{"shipping_address":"\\u0000\\u0000\\u0000\\u0000\\u0000"}',
  '1e309',
  `"${'a'.repeat(1_000)}`,
  `{"x":"${'a'.repeat(100 * 1024 - 8 + 1)}"}`,
  `{"x":"${'a'.repeat(50 * 1024)}"}`,
  `${'a=1&'.repeat(1_500)}b=2`,
  'a=%E0%A4%A&&&=&%=%',
];
const INVALID_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xc0, 0xaf]);
const CONTENT_TYPES = [
  JSON_TYPE,
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=bogus',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=xyz',
  'multipart/form-data',
  FORM_TYPE,
  `${FORM_TYPE}; charset=utf-16`,
  'application/vnd.api+json',
  'APPLICATION/JSON',
  '*/*',
  'application/json, text/plain',
  '',
];
const ENCODINGS = ['gzip', 'deflate', 'br', 'x-bogus', 'identity', 'gzip, gzip'];

/** A malformed body: broken or truncated JSON, invalid UTF-8, wrong Content-Type or Content-Encoding, just over the limit. */
export function malformedBody(
  schema: Schema | undefined,
  pools: Pools,
): fc.Arbitrary<{ headers: Record<string, string>; body: string | Uint8Array }> {
  const valid = schema
    ? objectValue(schema, pools, (s) => validValue(s, pools), 0).map(toJson)
    : fc.constant('{"a":1}');
  const text = fc.oneof(
    fc.constantFrom(...RAW_BODIES),
    fc.tuple(valid, fc.nat()).map(([json, cut]) => json.slice(0, cut % Math.max(json.length, 1))),
    valid,
  );
  const bytes = fc.tuple(valid, fc.nat()).map(([json, at]): string | Uint8Array => {
    const cut = at % (json.length + 1);
    return Buffer.concat([Buffer.from(json.slice(0, cut)), INVALID_UTF8, Buffer.from(json.slice(cut))]);
  });
  const encoding = weighted<string | undefined>([
    [6, fc.constant(undefined)],
    [1, fc.constantFrom(...ENCODINGS)],
  ]);
  return fc
    .tuple(
      fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: bytes }),
      fc.constantFrom(...CONTENT_TYPES),
      encoding,
    )
    .map(([body, type, contentEncoding]) => ({
      headers: { 'Content-Type': type, ...(contentEncoding ? { 'Content-Encoding': contentEncoding } : {}) },
      body,
    }));
}
