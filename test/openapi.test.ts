import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/context.js';
import { type OpenApiDocument, ResponseContract } from './support/openapi-contract.js';

const ctx = useTestApp();
const run = promisify(execFile);

describe('API documentation', () => {
  it('serves an OpenAPI 3 spec that @redocly/cli lints with zero errors and warnings', async () => {
    const res = await request(ctx.app).get('/openapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.openapi).toMatch(/^3\./);

    const dir = await mkdtemp(join(tmpdir(), 'emporium-spec-'));
    const file = join(dir, 'openapi.json');
    await writeFile(file, res.text);
    const { stdout } = await run('npx', ['redocly', 'lint', file, '--format=json'], {
      cwd: new URL('..', import.meta.url).pathname,
    }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('documents the categories endpoints with descriptions and error responses', async () => {
    const { body: spec } = await request(ctx.app).get('/openapi.json').expect(200);
    const list = spec.paths['/api/v1/categories'].get;
    expect(list.summary).toBe('List categories');
    expect(list.description).toContain('ordered by `sort_order`');
    expect(list.responses['200'].content['application/json'].schema).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/CategoryOut' },
    });
    const one = spec.paths['/api/v1/categories/{category_id}'].get;
    expect(Object.keys(one.responses)).toEqual(expect.arrayContaining(['200', '404', '422']));
    expect(one.responses['404'].content['application/problem+json'].schema.$ref).toBe(
      '#/components/schemas/ProblemDetails',
    );
    expect(spec.components.schemas.CategoryOut.properties.product_count.description).toBeTruthy();
    expect(spec.paths['/ready'].get.responses['503']).toBeDefined();
  });

  it('answers If-None-Match on the spec with 304', async () => {
    const first = await request(ctx.app).get('/openapi.json').expect(200);
    await request(ctx.app).get('/openapi.json').set('If-None-Match', first.headers.etag!).expect(304);
  });

  it('serves Swagger UI at /docs and ReDoc at /redoc from this server, not a CDN', async () => {
    const docs = await request(ctx.app).get('/docs/').expect(200);
    expect(docs.text).toContain('swagger-ui');
    expect(docs.text).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);

    const redoc = await request(ctx.app).get('/redoc').expect(200);
    expect(redoc.text).toContain('<script src="/redoc/redoc.standalone.js">');
    expect(redoc.text).not.toMatch(/https?:\/\//);
    const bundle = await request(ctx.app).get('/redoc/redoc.standalone.js').expect(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    const init = await request(ctx.app).get('/redoc/init.js').expect(200);
    expect(init.text).toContain("Redoc.init('/openapi.json'");
  });
});

describe('examples', () => {
  it('every response has an example, and each one passes the contract as if the server had sent it', async () => {
    const { body: spec } = await request(ctx.app).get('/openapi.json').expect(200);
    const contract = new ResponseContract(spec as OpenApiDocument);
    type Media = { example?: unknown; examples?: Record<string, { value: unknown }> };
    type Header = { example?: unknown };
    type Response = { content?: Record<string, Media>; headers?: Record<string, Header> };
    let checked = 0;
    for (const [path, methods] of Object.entries(
      spec.paths as Record<string, Record<string, { responses: Record<string, Response> }>>,
    )) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const headers = Object.fromEntries(
            Object.entries(response.headers ?? {}).map(([name, header]) => {
              expect(header.example, `${method} ${path} ${status} header ${name}`).toBeDefined();
              return [name.toLowerCase(), [String(header.example)]];
            }),
          );
          const sent = (type: string | undefined, body: unknown) => ({
            method: method.toUpperCase(),
            url: path.replace(/\{[^}]+\}/g, '42'),
            status: Number(status),
            headers: type ? { ...headers, 'content-type': [type] } : headers,
            body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
          });
          const media = Object.entries(response.content ?? {});
          if (media.length === 0) expect(contract.check(sent(undefined, undefined)).mismatches).toEqual([]);
          for (const [type, { example, examples }] of media) {
            const values = example !== undefined ? [example] : Object.values(examples ?? {}).map((e) => e.value);
            expect(values.length, `${method} ${path} ${status} ${type}`).toBeGreaterThan(0);
            for (const value of values) {
              expect(contract.check(sent(type, value)).mismatches).toEqual([]);
              checked += 1;
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('types every whole number as an integer: the only fractional numbers are average ratings', async () => {
    const { text } = await request(ctx.app).get('/openapi.json').expect(200);
    const fractional = new Set<string>();
    let integers = 0;
    JSON.parse(text, (_key, value: unknown) => {
      const schema = value as { type?: string; properties?: Record<string, { type?: string }> };
      for (const [name, property] of Object.entries(schema?.properties ?? {})) {
        if (property.type === 'number') fractional.add(name);
        if (property.type === 'integer') integers += 1;
      }
      return value;
    });
    expect([...fractional]).toEqual(['rating_avg']);
    expect(integers).toBeGreaterThan(30);
  });
});
