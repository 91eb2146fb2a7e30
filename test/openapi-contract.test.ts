/**
 * The response validator of the test suite (support/openapi-contract.ts)
 * catches planted mismatches: listeners that answer a spec path wrongly,
 * checked against the spec the real app serves. Where a check needs the spec
 * to declare something it may not declare yet (an integer field, a required
 * header), the test declares it on a copy of the served spec and says so.
 */
import type { RequestListener, ServerResponse } from 'node:http';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './support/context.js';
import { createCategory } from './support/factories.js';
import { contractSkips, servedContract, takeContractMismatches, validatedListener } from './support/contract-checks.js';
import { type Mismatch, type OpenApiDocument, ResponseContract } from './support/openapi-contract.js';

const ctx = useTestApp();
let spec: OpenApiDocument;
let contract: ResponseContract;

beforeAll(async () => {
  contract = await servedContract(ctx.app);
  spec = (await request(ctx.app).get('/openapi.json').expect(200)).body as OpenApiDocument;
});

/** A category as the spec describes it. */
const CATEGORY = { id: 1, name: 'Books', description: null, sort_order: 0, product_count: 0 };
/** Headers every API answer carries (as the real app sends them). */
const USUAL = { 'X-Request-Id': 'req-1', 'Cache-Control': 'no-store' };

/** A listener that answers every request with `send`, checked against `against` (the served spec by default). */
function planted(send: (res: ServerResponse) => void, against?: OpenApiDocument): RequestListener {
  return validatedListener(
    (_req, res) => send(res),
    Promise.resolve(against ? new ResponseContract(against) : contract),
  );
}

/** The served spec with `edit` applied to the 200 response of GET /api/v1/categories. */
function withListResponse(edit: (response: Record<string, unknown>, copy: OpenApiDocument) => void): OpenApiDocument {
  const copy = structuredClone(spec);
  const paths = copy.paths as Record<string, Record<string, { responses: Record<string, Record<string, unknown>> }>>;
  edit(paths['/api/v1/categories']!.get!.responses['200']!, copy);
  return copy;
}

/** Sends `body` as JSON with `status` and `headers`. */
const json =
  (status: number, body: unknown, headers: Record<string, string> = USUAL) =>
  (res: ServerResponse) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

/** What the answer of `listener` to GET /api/v1/categories broke. */
async function mismatchesOf(listener: RequestListener): Promise<Mismatch[]> {
  // A planted body that is not JSON makes supertest's parser throw; only the server side matters here.
  await request(listener)
    .get('/api/v1/categories')
    .catch(() => undefined);
  return takeContractMismatches();
}

describe('the response contract', () => {
  it('finds nothing wrong with a correct answer, from a planted listener or the real app', async () => {
    expect(await mismatchesOf(planted(json(200, [CATEGORY])))).toEqual([]);

    await createCategory({ name: 'Garden' });
    const first = await request(ctx.app).get('/api/v1/categories').expect(200);
    expect(first.body).toHaveLength(1);
    // The second one may be a hot answer (http/hot-responses.ts), the third is a 304.
    await request(ctx.app).get('/api/v1/categories').expect(200);
    await request(ctx.app).get('/api/v1/categories').set('If-None-Match', first.headers.etag!).expect(304);
    expect(await takeContractMismatches()).toEqual([]);
  });

  it('catches a body field the schema does not allow', async () => {
    const found = await mismatchesOf(planted(json(200, [{ ...CATEGORY, secret: 'x' }])));
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'body',
        status: 200,
        route: '/api/v1/categories',
        detail: "body/* additionalProperties 'secret'",
      }),
    ]);
    expect(found[0]!.message).toContain(
      "GET /api/v1/categories → 200 [body] body/0 must NOT have additional properties 'secret'",
    );
  });

  it('catches a missing required field and a wrong type', async () => {
    const { name: _name, ...nameless } = CATEGORY;
    const found = await mismatchesOf(planted(json(200, [nameless, { ...CATEGORY, sort_order: 'first' }])));
    expect(found.map((m) => m.detail).sort()).toEqual(['body/* required', 'body/*/sort_order type']);
  });

  it('catches a number where the spec declares an integer', async () => {
    // Declared here so that the test does not wait for the spec's integer fixes.
    const integerIds = withListResponse((_response, copy) => {
      const schemas = (copy.components as { schemas: Record<string, { properties: Record<string, unknown> }> }).schemas;
      schemas.CategoryOut!.properties.id = { type: 'integer', minimum: 1 };
    });
    const found = await mismatchesOf(planted(json(200, [{ ...CATEGORY, id: 1.5 }]), integerIds));
    expect(found).toEqual([expect.objectContaining({ kind: 'body', detail: 'body/*/id type' })]);
    expect(found[0]!.message).toContain('body/0/id must be integer (got 1.5)');
    expect(await mismatchesOf(planted(json(200, [CATEGORY]), integerIds))).toEqual([]);
  });

  it('reports a choice of schemas (anyOf/oneOf) against the alternative the body comes closest to', async () => {
    const choice = withListResponse((response) => {
      response.content = {
        'application/json': {
          schema: {
            anyOf: [{ type: 'array', items: { $ref: '#/components/schemas/CategoryOut' } }, { type: 'string' }],
          },
        },
      };
    });
    const found = await mismatchesOf(planted(json(200, [{ ...CATEGORY, secret: 'x' }]), choice));
    expect(found).toEqual([expect.objectContaining({ kind: 'body', detail: "body/* additionalProperties 'secret'" })]);
    expect(found[0]!.message).toContain('(closest of the alternatives: #0)');
  });

  it.fails('fails the test during which a response broke the contract (this test is expected to fail)', async () => {
    await request(planted(json(418, { type: 'about:blank', title: 'Teapot', status: 418 }))).get('/api/v1/categories');
  });

  it('catches a media type the response does not declare', async () => {
    const textList = (res: ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', ...USUAL });
      res.end('[]');
    };
    expect(await mismatchesOf(planted(textList))).toEqual([
      expect.objectContaining({ kind: 'media-type', detail: 'text/plain' }),
    ]);
  });

  it('catches a status the operation does not declare', async () => {
    const teapot = json(418, { type: 'about:blank', title: 'Teapot', status: 418 });
    expect(await mismatchesOf(planted(teapot))).toEqual([
      expect.objectContaining({ kind: 'undeclared-status', status: 418, detail: 'status 418' }),
    ]);
  });

  it('catches a missing body, and a body where none is declared', async () => {
    const empty = (res: ServerResponse) => {
      res.writeHead(200, USUAL);
      res.end();
    };
    expect(await mismatchesOf(planted(empty))).toEqual([expect.objectContaining({ kind: 'missing-body' })]);

    const noContent = withListResponse((response) => delete response.content);
    expect(await mismatchesOf(planted(json(200, [CATEGORY]), noContent))).toEqual([
      expect.objectContaining({ kind: 'undeclared-body', detail: 'body application/json' }),
    ]);
  });

  it('catches a missing required header, an invalid one and one the response does not declare', async () => {
    const declared = withListResponse((response) => {
      response.headers = {
        'X-Request-Id': { required: true, schema: { type: 'string' } },
        'RateLimit-Remaining': { schema: { type: 'integer', minimum: 0 } },
      };
    });
    const found = await mismatchesOf(
      planted(json(200, [CATEGORY], { 'RateLimit-Remaining': 'many', ETag: '"1"' }), declared),
    );
    expect(found.map((m) => `${m.kind} ${m.detail}`).sort()).toEqual([
      'invalid-header ratelimit-remaining',
      'missing-header x-request-id',
      'undeclared-header etag',
    ]);
    const counted = await mismatchesOf(
      planted(json(200, [CATEGORY], { ...USUAL, 'RateLimit-Remaining': '3' }), declared),
    );
    expect(counted.map((m) => `${m.kind} ${m.detail}`)).toEqual(['undeclared-header cache-control']);

    // Headers given to writeHead as a flat array (as hot answers are sent) never show in getHeaders(); they count too.
    const flat = (res: ServerResponse) => {
      res.writeHead(200, ['Content-Type', 'application/json', 'ETag', '"2"', 'RateLimit-Remaining', '-1']);
      res.end('[]');
    };
    expect((await mismatchesOf(planted(flat, declared))).map((m) => `${m.kind} ${m.detail}`).sort()).toEqual([
      'invalid-header ratelimit-remaining',
      'missing-header x-request-id',
      'undeclared-header etag',
    ]);
  });

  it('checks a body written in pieces: strings in any encoding, buffers, and a stream', async () => {
    const text = JSON.stringify([CATEGORY, { ...CATEGORY, id: 2, name: 'Bücher' }]);
    const pieces = (res: ServerResponse) => {
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json');
      for (const [name, value] of Object.entries(USUAL)) res.setHeader(name, value);
      res.write(text.slice(0, 10));
      res.write(Buffer.from(text.slice(10, 20)));
      res.write(Buffer.from(text.slice(20, 40)).toString('base64'), 'base64');
      res.end(text.slice(40), 'utf8');
    };
    expect(await mismatchesOf(planted(pieces))).toEqual([]);

    const cut = (res: ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/json', ...USUAL });
      res.write('[{"id": 1');
      res.end();
    };
    expect(await mismatchesOf(planted(cut))).toEqual([expect.objectContaining({ kind: 'body', detail: 'not JSON' })]);
  });

  it('records answers outside the spec as skipped instead of checking them', async () => {
    await request(ctx.app).get('/api/v1/no-such-thing').expect(404);
    await request(ctx.app).put('/api/v1/categories');
    await request(ctx.app).get('/metrics');
    expect(await takeContractMismatches()).toEqual([]);
    expect(contractSkips()).toEqual(
      expect.arrayContaining([
        { method: 'GET', url: '/api/v1/no-such-thing', status: 404, reason: 'path not in spec' },
        expect.objectContaining({ method: 'PUT', url: '/api/v1/categories', reason: 'method not in spec' }),
        expect.objectContaining({ method: 'GET', url: '/metrics', reason: 'path not in spec' }),
      ]),
    );
  });
});
