/**
 * JSON bodies (src/middleware/json-body.ts): the plain case read directly
 * must answer exactly as body-parser's express.json does, for good bodies
 * and bad ones alike. Each case is sent to two apps that differ only in the
 * body parser and must get the same status and body back.
 */
import { type Server, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../src/middleware/error-handler.js';
import { jsonBody, limitBytes } from '../src/middleware/json-body.js';

const LIMIT = '1kb';

/** An app that echoes the parsed body (or answers the parser's error as the real app does). */
function echoApp(parser: RequestHandler) {
  const app = express();
  app.use((req, _res, next) => {
    req.id = 'test-request';
    next();
  });
  app.use(parser);
  app.post('/echo', (req, res) => {
    res.json({ body: req.body as unknown });
  });
  app.use(errorHandler);
  return app;
}

const servers: Record<'fast' | 'general', Server> = {
  fast: createServer(echoApp(jsonBody(LIMIT))),
  general: createServer(echoApp(express.json({ limit: LIMIT }))),
};
beforeAll(async () => {
  await Promise.all(
    Object.values(servers).map((server) => new Promise<void>((resolve) => server.listen(0, () => resolve()))),
  );
});
afterAll(() => {
  for (const server of Object.values(servers)) server.close();
});

/** A request: its body bytes and headers. */
interface Case {
  name: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

const cases: Case[] = [
  { name: 'an object', body: '{"a":1,"b":[true,null,"ü"]}' },
  { name: 'an array', body: ' \n[1,2,3]' },
  { name: 'a UTF-8 byte order mark', body: '\uFEFF{"a":1}' },
  { name: 'a string (not an object or array)', body: '"text"' },
  { name: 'a number', body: '42' },
  { name: 'null', body: 'null' },
  { name: 'whitespace only', body: '  \n ' },
  { name: 'malformed JSON', body: '{"a":' },
  { name: 'trailing garbage', body: '{"a":1} x' },
  { name: 'a NUL byte', body: '{"a":"\u0000"}' },
  { name: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
  { name: 'charset=utf-8', body: '{"a":1}', headers: { 'content-type': 'application/json; charset=utf-8' } },
  { name: 'quoted charset', body: '{"a":1}', headers: { 'content-type': 'application/json;charset="UTF-8"' } },
  { name: 'another charset', body: '{"a":1}', headers: { 'content-type': 'application/json; charset=latin1' } },
  { name: 'utf8 without a dash', body: '{"a":1}', headers: { 'content-type': 'application/json; charset=utf8' } },
  { name: 'exactly at the limit', body: `{"a":"${'x'.repeat(1024 - 8)}"}` },
  { name: 'one byte over the limit', body: `{"a":"${'x'.repeat(1024 - 7)}"}` },
  {
    name: 'a gzip-compressed body',
    body: gzipSync('{"a":1}'),
    headers: { 'content-encoding': 'gzip' },
  },
  { name: 'an unknown content encoding', body: '{"a":1}', headers: { 'content-encoding': 'br2' } },
  { name: 'another media type', body: '{"a":1}', headers: { 'content-type': 'text/plain' } },
];

/** Sends the case's exact bytes (a client library would re-encode them). */
function send(
  to: keyof typeof servers,
  { body, headers }: Case,
): Promise<{ status: number; body: unknown; headers: Record<string, unknown> }> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        port: (servers[to].address() as AddressInfo).port,
        method: 'POST',
        path: '/echo',
        headers: { 'content-type': 'application/json', 'content-length': bytes.length, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
}

describe('JSON bodies', () => {
  it.each(cases)('answers $name exactly as express.json does', async (sample) => {
    const [mine, theirs] = await Promise.all([send('fast', sample), send('general', sample)]);
    expect(mine.status).toBe(theirs.status);
    expect(mine.body).toEqual(theirs.body);
    expect(mine.headers['content-type']).toBe(theirs.headers['content-type']);
  });

  it('parses the plain case itself, and answers its failures as problems', async () => {
    expect((await send('fast', { name: '', body: '{"a":[1]}' })).body).toEqual({ body: { a: [1] } });
    expect((await send('fast', { name: '', body: '\uFEFF[1]' })).body).toEqual({ body: [1] });
    const bad = await send('fast', { name: '', body: '[1,' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 400, type: 'urn:emporium:problem:malformed-json' });
    const large = await send('fast', { name: '', body: `"${'x'.repeat(2000)}"` });
    expect(large.status).toBe(413);
  });

  it('reads JSON_BODY_LIMIT as body-parser does', () => {
    expect(limitBytes('100kb')).toBe(102_400);
    expect(limitBytes('1MB')).toBe(1_048_576);
    expect(limitBytes('2048')).toBe(2048);
    expect(limitBytes('10b')).toBe(10);
  });
});
