/**
 * Request bodies for fuzzing the staff panel's body reader
 * (src/admin/form-bodies.ts): multipart forms well-formed and broken, file
 * parts, bodies just over each limit, JSON, and content types it does not
 * take. Each comes with the status it must get from a staff session, where
 * that is certain; `bodyAnswerProblems` holds the answers to the rules.
 */
import fc from 'fast-check';
import { LOGIN_LIMITS, STAFF_LIMITS } from '../../src/admin/form-bodies.js';
import type { Answer, FuzzRequest } from '../support/fuzz.js';
import { BOUNDARY, type Part, multipart, multipartType } from '../support/multipart.js';
import { hostileKey, hostileString, hostileValue, objectOf, pct, plain, toJson } from './values.js';

/** A body, its headers, and what a staff session must get for it (undefined: any 2xx or 4xx). */
export interface FuzzBody extends Pick<FuzzRequest, 'headers' | 'body'> {
  kind: string;
  staffStatus?: number;
}

const typed = (type: string, body: Uint8Array | string, kind: string, staffStatus?: number): FuzzBody => ({
  headers: { 'Content-Type': type },
  body,
  kind,
  staffStatus,
});
const asMultipart = (parts: Part[], kind: string, staffStatus?: number) =>
  typed(multipartType(), multipart(parts), kind, staffStatus);
const toParts = (fields: [string, string][]): Part[] => fields.map(([name, value]) => ({ name, value }));
const filler = (bytes: number) => 'x'.repeat(bytes);

const filePart: fc.Arbitrary<Part & { value: Buffer }> = fc
  .record({
    filename: fc.oneof(fc.constantFrom('lamp.png', '../../etc/passwd', 'a.exe', '', '.htaccess'), hostileString),
    contentType: fc.constantFrom('image/png', 'application/octet-stream', 'text/plain', 'text/html'),
    bytes: fc.oneof(fc.constantFrom(0, 1, 4096), fc.nat(300 * 1024)),
  })
  .map(({ filename, contentType, bytes }) => ({
    name: 'image',
    // Quotes, backslashes and control characters would break the header: that is another kind of broken part.
    filename: filename.replace(/["\\\p{Cc}]/gu, '_') || 'x',
    contentType,
    value: Buffer.alloc(bytes, 0x89),
  }));

/** Part headers that are odd but not broken: busboy skips or reads them; either way no file. */
const oddPart: fc.Arbitrary<Buffer> = fc
  .constantFrom(
    'Content-Disposition: attachment; name="name"',
    'Content-Type: text/plain',
    'Content-Disposition: form-data',
    `Content-Disposition: form-data; name="${'n'.repeat(300)}"`,
    'Content-Disposition: form-data; name="name"; filename*=UTF-8\'\'%E2%82%AC.png',
    'Content-Disposition: form-data; name="__proto__"',
    'Content-Disposition: form-data; name="name"\r\nContent-Transfer-Encoding: base64',
  )
  .map((headers) => Buffer.from(`--${BOUNDARY}\r\n${headers}\r\n\r\nvalue\r\n--${BOUNDARY}--\r\n`));

/** Bodies that are not multipart, under a multipart Content-Type. */
const brokenMultipart = (fields: [string, string][]): fc.Arbitrary<FuzzBody> => {
  const valid = multipart(toParts(fields));
  return fc.oneof(
    fc
      .integer({ min: 1, max: Math.max(1, valid.length - 8) })
      .map((cut) => typed(multipartType(), valid.subarray(0, cut), 'truncated')),
    fc.uint8Array({ minLength: 1, maxLength: 4_000 }).map((bytes) => typed(multipartType(), bytes, 'garbage', 400)),
    fc.constant(typed(multipartType('another-boundary'), valid, 'wrong boundary', 400)),
    fc.constant(typed('multipart/form-data', valid, 'no boundary', 400)),
    fc.constant(typed(`multipart/form-data; boundary="${BOUNDARY}"`, valid, 'quoted boundary')),
    oddPart.map((body) => typed(multipartType(), body, 'odd part headers')),
  );
};

/** Just over each staff limit (STAFF_LIMITS): 413. */
const oversized = (fields: [string, string][]): fc.Arbitrary<FuzzBody> =>
  fc.oneof(
    fc
      .integer({ min: 1, max: 4_096 })
      .map((extra) =>
        asMultipart(toParts([...fields, ['description', filler(STAFF_LIMITS.fieldBytes + extra)]]), 'big field', 413),
      ),
    fc
      .integer({ min: 1, max: 64 * 1024 })
      .map((extra) =>
        asMultipart(
          toParts([
            ...fields,
            ...[0, 1, 2, 3].map((i): [string, string] => [`f${i}`, filler(STAFF_LIMITS.fieldBytes)]),
          ]).concat({ name: 'rest', value: filler(extra) }),
          'big body',
          413,
        ),
      ),
    fc.integer({ min: 1, max: 30 }).map((extra) =>
      asMultipart(
        Array.from({ length: STAFF_LIMITS.fields + extra }, (_, i) => ({ name: `f${i}`, value: 'x' })),
        'too many fields',
        413,
      ),
    ),
    fc.constant(
      typed(
        'application/x-www-form-urlencoded',
        Array.from({ length: STAFF_LIMITS.fields + 1 }, (_, i) => `f${i}=x`).join('&'),
        'too many urlencoded fields',
        413,
      ),
    ),
    fc.constant(typed('application/json', JSON.stringify({ name: filler(STAFF_LIMITS.bytes) }), 'big JSON', 413)),
  );

/** JSON bodies: hostile objects (top-level members become fields), and what is not an object. */
const jsonBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  fc
    .array(fc.tuple(hostileKey, hostileValue), { maxLength: 6 })
    .map((entries) => typed('application/json', toJson(objectOf(entries)), 'JSON')),
  fc
    .constantFrom('[1,2]', '"name"', 'null', '12', '{"name":', '{"a":1}{', '\uFEFF{"a":1}', '')
    .map((text) =>
      typed('application/json', text, 'odd JSON', text === '' || text.startsWith('\uFEFF') ? undefined : 400),
    ),
);

/** Content types and encodings the panel does not take: 415. */
const oddType = (fields: [string, string][]): fc.Arbitrary<FuzzBody> => {
  const form = fields.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&') || 'a=1';
  return fc.oneof(
    fc
      .constantFrom(
        'text/plain',
        'application/octet-stream',
        'application/xml',
        'multipart/mixed; boundary=x',
        'image/png',
      )
      .map((type) => typed(type, form, 'odd type', 415)),
    fc.constant({
      ...typed('application/x-www-form-urlencoded', form, 'gzip', 415),
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Encoding': 'gzip',
      },
    }),
  );
};

/** Urlencoded forms with escapes that decode to nothing valid. */
const brokenUrlencoded: fc.Arbitrary<FuzzBody> = fc
  .constantFrom('name=%', 'name=%zz', 'name=%E0%A4%A', '%%=1', 'a=1&&&=&', '=x', 'name=%00')
  .map((form) => typed('application/x-www-form-urlencoded', form, 'odd urlencoded'));

/** Any body of the kinds above for a form of `fields` (the valid multipart form weighs most). */
export function panelBody(fields: fc.Arbitrary<[string, string][]>): fc.Arbitrary<FuzzBody> {
  return fields.chain((f) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(asMultipart(toParts(f), 'multipart')) },
      {
        weight: 2,
        arbitrary: fc
          .array(filePart, { minLength: 1, maxLength: 3 })
          .map((files) => asMultipart([...toParts(f), ...files], 'file', 415)),
      },
      { weight: 2, arbitrary: brokenMultipart(f) },
      { weight: 2, arbitrary: oversized(f) },
      { weight: 2, arbitrary: jsonBody },
      { weight: 1, arbitrary: oddType(f) },
      { weight: 1, arbitrary: brokenUrlencoded },
    ),
  );
}

/** Login forms for an anonymous visitor: real-looking, with files, broken, or over LOGIN_LIMITS. */
export function loginBody(): fc.Arbitrary<FuzzBody> {
  const fields = fc
    .tuple(fc.oneof(hostileString, fc.constant('nobody@shop.test')), hostileString)
    .map(([email, password]): [string, string][] => [
      ['email', plain(email)],
      ['password', plain(password)],
    ]);
  return fields.chain((f) =>
    fc.oneof(
      fc.constant(asMultipart(toParts(f), 'login multipart')),
      fc.constant(
        typed('application/x-www-form-urlencoded', f.map(([k, v]) => `${k}=${pct(v)}`).join('&'), 'login form'),
      ),
      filePart.map((file) =>
        asMultipart([...toParts(f), { ...file, value: file.value.subarray(0, 1024) }], 'login file'),
      ),
      fc
        .integer({ min: 1, max: 4_096 })
        .map((extra) => asMultipart(toParts([...f, ['note', filler(LOGIN_LIMITS.bytes + extra)]]), 'big login')),
      brokenMultipart(f),
      jsonBody,
    ),
  );
}

/** A body request: sent with the staff cookie or without any, and the status a staff session must get (if certain). */
export interface BodyRequest {
  request: FuzzRequest;
  anonymous: boolean;
  staffStatus?: number;
}

const LOGIN = /^\/admin\/login\/?$/i;

/** What is wrong with a body request's answer beyond checkAnswer's rules (which let any 4xx through under /admin). */
export function bodyAnswerProblems({ request, anonymous, staffStatus }: BodyRequest, answer: Answer): string[] {
  const problems: string[] = [];
  const { status, headers, text } = answer;
  const login = LOGIN.test(request.url);
  const type = headers.get('content-type') ?? '';
  // AdminJS answers a login whose check threw (e.g. rate limited) with its login page and a 400.
  if (status >= 400 && !(login && status === 400 && type.startsWith('text/html'))) {
    let body: { type?: unknown; status?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // reported below
    }
    if (!type.startsWith('application/problem+json') || typeof body.type !== 'string' || body.status !== status)
      problems.push(`${status} is not a problem+json of that status (${type})`);
  }
  const hasBody = request.body !== undefined && request.body.length > 0;
  if (anonymous && hasBody && !login && status !== 401) problems.push(`anonymous body answered ${status}, not 401`);
  if (!anonymous && staffStatus !== undefined && status !== staffStatus) problems.push(`expected ${staffStatus}`);
  if (!anonymous && status === 302) problems.push('the staff session ended');
  return problems;
}
