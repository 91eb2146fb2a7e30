/**
 * Every response of the test suite's in-process app is checked against the
 * OpenAPI document the app itself serves at /openapi.json (the contract in
 * openapi-contract.ts), and a test fails with every mismatch recorded while
 * it ran.
 *
 * `OPENAPI_CONTRACT_FILE=<path>` also appends every mismatch (and, per file,
 * the skipped responses) to that file as JSON lines; `OPENAPI_CONTRACT=report`
 * only does that (default file: <tmpdir>/openapi-contract.jsonl) instead of
 * failing; `OPENAPI_CONTRACT=off` turns the checks off.
 */
import { appendFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import request from 'supertest';
import { afterAll, afterEach, expect } from 'vitest';
import {
  type Mismatch,
  type OpenApiDocument,
  ResponseContract,
  type SentResponse,
  type SkippedResponse,
} from './openapi-contract.js';

const MODE = process.env.OPENAPI_CONTRACT ?? 'fail';
/** Where mismatches are appended as JSON lines: always in report mode, and in any mode when the file is named. */
const REPORT_FILE =
  process.env.OPENAPI_CONTRACT_FILE ?? (MODE === 'report' ? join(tmpdir(), 'openapi-contract.jsonl') : undefined);

const served = new WeakMap<RequestListener, Promise<ResponseContract>>();
const recorded: Mismatch[] = [];
const skipped: SkippedResponse[] = [];
let checked = 0;
const pending = new Set<Promise<void>>();

/** The contract of the spec `listener` serves at GET /openapi.json (fetched once per listener). */
export function servedContract(listener: RequestListener): Promise<ResponseContract> {
  let contract = served.get(listener);
  if (contract === undefined) {
    contract = request(listener)
      .get('/openapi.json')
      .then((res) => {
        if (res.status !== 200)
          throw new Error(`GET /openapi.json answered ${res.status}; no contract to check against`);
        return new ResponseContract(res.body as OpenApiDocument);
      });
    served.set(listener, contract);
  }
  return contract;
}

/** The header lines actually sent (also those given to writeHead as an array, which getHeaders() never sees). */
function sentHeaders(res: ServerResponse): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  const raw = (res as unknown as { _header?: string | null })._header;
  if (typeof raw !== 'string') {
    for (const [name, value] of Object.entries(res.getHeaders())) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value : [String(value)];
    }
    return headers;
  }
  for (const line of raw.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  return headers;
}

function decoded(body: Buffer, encoding: string | undefined): Buffer {
  if (!body.length || encoding === undefined || encoding === 'identity') return body;
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  if (encoding === 'br') return brotliDecompressSync(body);
  return body;
}

function chunkBytes(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (typeof chunk === 'string') {
    return Buffer.from(chunk, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8');
  }
  return chunk instanceof Uint8Array ? Buffer.from(chunk) : undefined;
}

function record(contract: ResponseContract, sent: SentResponse): void {
  const { skipped: reason, mismatches } = contract.check(sent);
  if (reason) skipped.push({ method: sent.method, url: sent.url, status: sent.status, reason });
  else checked += 1;
  recorded.push(...mismatches);
}

/**
 * Wraps a request listener so that every response it sends is checked
 * against `contract` (by default the spec the listener itself serves); the
 * mismatches are recorded for useContractChecks() to report.
 */
export function validatedListener(listener: RequestListener, contract?: Promise<ResponseContract>): RequestListener {
  if (MODE === 'off') return listener;
  let loaded: ResponseContract | undefined;
  let loading: Promise<ResponseContract> | undefined;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (loading === undefined) {
      loading = contract ?? servedContract(listener);
      loading.then(
        (ready) => (loaded = ready),
        () => undefined,
      );
    }
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const target = loaded?.target(method, url);
    const capture = method !== 'HEAD' && !(target && 'skip' in target);
    const chunks: Buffer[] = [];
    if (capture) {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the response as `this`
      const { write, end } = res;
      res.write = function (this: ServerResponse, ...args: Parameters<ServerResponse['write']>) {
        const bytes = chunkBytes(args[0], args[1]);
        if (bytes) chunks.push(bytes);
        return write.apply(this, args);
      } as ServerResponse['write'];
      res.end = function (this: ServerResponse, ...args: Parameters<ServerResponse['end']>) {
        const bytes = chunkBytes(args[0], args[1]);
        if (bytes) chunks.push(bytes);
        return end.apply(this, args);
      } as ServerResponse['end'];
    }
    res.once('finish', () => {
      const headers = sentHeaders(res);
      const hasBody = (res as unknown as { _hasBody?: boolean })._hasBody !== false;
      let body: Buffer = hasBody ? Buffer.concat(chunks) : Buffer.alloc(0);
      try {
        body = decoded(body, headers['content-encoding']?.[0]);
      } catch {
        // Checked as sent: the body check then says it is not what the media type declares.
      }
      const sent: SentResponse = { method, url, status: res.statusCode, headers, body };
      if (loaded) record(loaded, sent);
      else {
        const done = loading!.then(
          (ready) => record(ready, sent),
          (error: Error) => {
            const message = `${method} ${url} → ${sent.status} [spec] not checked: ${error.message}`;
            recorded.push({ method, url, route: '', status: sent.status, kind: 'spec', detail: 'no spec', message });
          },
        );
        pending.add(done);
        void done.finally(() => pending.delete(done)).catch(() => undefined);
      }
    });
    res.once('close', () => {
      if (!res.writableFinished) skipped.push({ method, url, status: res.statusCode, reason: 'unfinished' });
    });
    listener(req, res);
  };
}

/** Every mismatch recorded since the last call (after waiting for checks still waiting on the spec), cleared. */
export async function takeContractMismatches(): Promise<Mismatch[]> {
  while (pending.size) await Promise.all(pending);
  return recorded.splice(0);
}

/** The responses of this test file that no operation of the spec covered (admin pages, unknown paths, ...). */
export function contractSkips(): readonly SkippedResponse[] {
  return skipped;
}

/** All mismatches as one message: each distinct one once, with how often it happened and an example. */
export function contractReport(mismatches: Mismatch[]): string {
  const groups = new Map<string, { count: number; example: Mismatch }>();
  for (const mismatch of mismatches) {
    const key = `${mismatch.method} ${mismatch.route} ${mismatch.status} ${mismatch.kind} ${mismatch.detail}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { count: 1, example: mismatch });
  }
  const lines = [...groups.values()].map(({ count, example }) => `  ${count}× ${example.message}`);
  return `${mismatches.length} response mismatch(es) against /openapi.json:\n${lines.join('\n')}`;
}

function appendReport(lines: object[]): void {
  if (!lines.length || REPORT_FILE === undefined) return;
  const { testPath, currentTestName } = expect.getState();
  const file = testPath?.replace(`${process.cwd()}/`, '');
  appendFileSync(
    REPORT_FILE,
    lines.map((line) => `${JSON.stringify({ file, test: currentTestName, ...line })}\n`).join(''),
  );
}

/**
 * Registers the hooks that fail each test with the mismatches recorded while
 * it ran (and the file, for responses that finished after its last test).
 */
export function useContractChecks(): void {
  if (MODE === 'off') return;
  const settle = async (): Promise<void> => {
    const mismatches = await takeContractMismatches();
    appendReport(mismatches.map((m) => ({ type: 'mismatch', ...m })));
    if (MODE !== 'report' && mismatches.length) throw new Error(contractReport(mismatches));
  };
  afterEach(settle);
  afterAll(async () => {
    await settle();
    appendReport([
      { type: 'totals', checked, skipped: skipped.length },
      ...skipped.map((s) => ({ type: 'skip', ...s, url: s.url.slice(0, 200) })),
    ]);
  });
}
