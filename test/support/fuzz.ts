/** Fuzzing harness: the app on a real port, operations read from the served OpenAPI spec, and a fetch client that checks every answer. */
import type { AddressInfo } from 'node:net';
import { type RequestListener, type Server, createServer } from 'node:http';
import type { Schema } from '../fuzz/values.js';

/** The app listening on a free port of 127.0.0.1. */
export async function serve(app: RequestListener): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server: Server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One operation of the spec, with every `$ref` resolved. */
export interface Operation {
  method: string;
  /** The path template, e.g. `/api/v1/orders/{order_id}`. */
  path: string;
  parameters: { name: string; in: string; required: boolean; schema: Schema }[];
  secured: boolean;
  body?: { required: boolean; contentTypes: string[]; schema: Schema };
}

interface RawOperation {
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  security?: unknown[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
}

/** Every operation of the spec the server serves at GET /openapi.json. */
export async function operationsOf(baseUrl: string): Promise<Operation[]> {
  const spec = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, RawOperation>>;
    components: { schemas: Record<string, Schema> };
  };
  const resolve = (schema: Schema & { $ref?: string }, depth = 0): Schema => {
    if (depth > 20) return {};
    const own = schema.$ref ? (spec.components.schemas[schema.$ref.split('/').pop()!] ?? {}) : schema;
    return {
      ...own,
      ...(own.items ? { items: resolve(own.items, depth + 1) } : {}),
      ...(own.properties
        ? { properties: Object.fromEntries(Object.entries(own.properties).map(([k, v]) => [k, resolve(v, depth + 1)])) }
        : {}),
    };
  };
  const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): Operation => {
        const content = op.requestBody?.content ?? {};
        const [first] = Object.values(content);
        return {
          method: method.toUpperCase(),
          path,
          parameters: (op.parameters ?? []).map((p) => ({
            ...p,
            required: p.required ?? false,
            schema: resolve(p.schema),
          })),
          secured: (op.security ?? []).length > 0,
          body: first
            ? {
                required: op.requestBody?.required ?? false,
                contentTypes: Object.keys(content),
                schema: resolve(first.schema),
              }
            : undefined,
        };
      }),
  );
}

/** One request of a fuzz run, as it goes on the wire. */
export interface FuzzRequest {
  method: string;
  /** Path and query string, already encoded. */
  url: string;
  /** What to group it under in reports (the operation's path template). */
  route: string;
  headers: Record<string, string>;
  /** Authorization as a named identity of the client (its current token), or a raw header value. */
  auth?: { as: string } | { header: string };
  body?: string | Uint8Array;
}

/** A login whose token the client sends for `{ as: name }`; `renew` logs in again after a 401. */
export interface Identity {
  token: string;
  renew: () => Promise<string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

interface Failure {
  request: FuzzRequest;
  status: number;
  problem: string;
  text: string;
}

/** Leaks never allowed in any answer (the request's own strings are removed first: an echo is no leak). */
const LEAKS = [
  /(\n|\\n)\s+at .+:\d+:\d+/,
  /node_modules/,
  /\.ts:/,
  /Sequelize/,
  /INSERT INTO/,
  /syntax error at or near/,
];
/** Leaks not allowed in error answers (a 2xx may show stored text that a shopper typed, SQL included). */
const ERROR_LEAKS = [/SELECT /];
const HASH = /\$2[aby]\$\d\d\$/;

/** Strings a request carries (decoded, and the leaves of any JSON among them), which its answer may legitimately repeat. */
function echoesOf(request: FuzzRequest): string[] {
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text.replace(/\+/g, ' '));
    } catch {
      return text;
    }
  };
  const [path = '', query = ''] = request.url.split('?');
  const body = typeof request.body === 'string' ? request.body : Buffer.from(request.body ?? []).toString('utf8');
  const found = [...path.split('/'), ...query.split(/[&=]/), ...body.split(/[&=]/)].map(decode);
  found.push(body, ...Object.values(request.headers));
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        out.push(k);
        walk(v);
      }
  };
  for (const text of found) {
    out.push(text);
    try {
      walk(JSON.parse(text));
    } catch {
      // not JSON
    }
  }
  return out.filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
}

/** Patterns found in the answer once every echo of the request (as is, or JSON-escaped up to three times) is cut out. */
function leaks(request: FuzzRequest, answer: Answer, patterns: RegExp[]): string[] {
  const found = patterns.filter((p) => p.test(answer.text));
  if (!found.length) return [];
  let text = answer.text;
  for (const echo of echoesOf(request)) {
    for (let escaped = echo, level = 0; level < 4; level += 1, escaped = JSON.stringify(escaped).slice(1, -1))
      text = text.split(escaped).join('');
  }
  return found.filter((p) => p.test(text)).map((p) => `leaks ${p.source}`);
}

/**
 * What is wrong with an answer: a status outside 2xx/304/4xx (redirects only
 * outside /api, with a Location), an error that is not a problem+json body
 * (AdminJS's own answers under /admin excepted), leaks.
 */
export function checkAnswer(request: FuzzRequest, answer: Answer): string[] {
  const { status, headers, text } = answer;
  const problems: string[] = [];
  const admin = request.url.startsWith('/admin');
  const redirect = status > 300 && status < 309 && !/^\/+api\//i.test(request.url) && headers.has('location');
  if (!((status >= 200 && status < 300) || status === 304 || (status >= 400 && status < 500) || redirect))
    problems.push(`status ${status}`);
  const type = headers.get('content-type') ?? '';
  if ((status === 204 || status === 304) && text !== '') problems.push(`${status} with a body`);
  if (status >= 400 && !admin) {
    if (!type.startsWith('application/problem+json')) problems.push(`error with content-type "${type}"`);
    let body: Record<string, unknown> | undefined;
    try {
      if (request.method !== 'HEAD') body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      problems.push('error body is not JSON');
    }
    if (body && (typeof body.type !== 'string' || typeof body.title !== 'string' || body.status !== status))
      problems.push('error body is not a problem (type, title, status)');
    if (status === 429 && !headers.get('retry-after')) problems.push('429 without Retry-After');
  }
  if (status < 300 && type.includes('json') && text !== '') {
    try {
      JSON.parse(text);
    } catch {
      problems.push('2xx body is not valid JSON');
    }
  }
  if (HASH.test(text)) problems.push('shows a password hash');
  problems.push(...leaks(request, answer, status >= 400 ? [...LEAKS, ...ERROR_LEAKS] : LEAKS));
  return problems;
}

/** Sends fuzz requests with fetch (keep-alive), checks every answer and collects what is wrong. */
export class FuzzClient {
  sent = 0;
  readonly failures: Failure[] = [];
  /** Status counts per `METHOD route`, for the coverage report. */
  readonly statuses = new Map<string, Map<number, number>>();
  private renewing = new Map<string, Promise<string>>();

  constructor(
    readonly baseUrl: string,
    readonly identities: Record<string, Identity> = {},
    /** Extra headers for every request (e.g. the admin session cookie). */
    readonly common: () => Record<string, string> = () => ({}),
  ) {}

  async send(request: FuzzRequest): Promise<Answer | undefined> {
    const headers = { ...this.common(), ...request.headers };
    const identity = request.auth && 'as' in request.auth ? this.identities[request.auth.as] : undefined;
    if (identity) headers.Authorization = `Bearer ${identity.token}`;
    else if (request.auth && 'header' in request.auth) headers.Authorization = request.auth.header;
    let answer: Answer;
    try {
      const res = await fetch(this.baseUrl + request.url, {
        method: request.method,
        headers,
        body: request.body,
        redirect: 'manual',
      });
      answer = { status: res.status, headers: res.headers, text: await res.text() };
    } catch (error) {
      this.record(request, 0, `no answer: ${String((error as Error).cause ?? error)}`, '');
      return undefined;
    }
    this.sent += 1;
    const key = `${request.method} ${request.route}`;
    const counts = this.statuses.get(key) ?? new Map<number, number>();
    counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
    this.statuses.set(key, counts);
    for (const problem of checkAnswer(request, answer)) this.record(request, answer.status, problem, answer.text);
    if (identity && answer.status === 401) await this.renew((request.auth as { as: string }).as, identity);
    return answer;
  }

  /** Sends a batch at once (concurrency finds races too). */
  async sendAll(requests: FuzzRequest[]): Promise<(Answer | undefined)[]> {
    return Promise.all(requests.map((request) => this.send(request)));
  }

  /** Adds a failure that is not about one answer (e.g. a broken invariant after a batch). */
  record(request: FuzzRequest, status: number, problem: string, text: string): void {
    this.failures.push({ request, status, problem, text });
  }

  private async renew(name: string, identity: Identity): Promise<void> {
    const pending = this.renewing.get(name) ?? identity.renew().finally(() => this.renewing.delete(name));
    this.renewing.set(name, pending);
    identity.token = await pending;
  }

  /** A readable list of failures, one example per (operation, problem), with how to replay. */
  describe(replay: string): string {
    const groups = new Map<string, Failure[]>();
    for (const failure of this.failures) {
      const key = `${failure.request.method} ${failure.request.route} → ${failure.problem}`;
      groups.set(key, [...(groups.get(key) ?? []), failure]);
    }
    const lines = [`${this.failures.length} failures in ${this.sent} requests (replay: ${replay})`];
    for (const [key, [first]] of [...groups].slice(0, 40)) {
      const { request, status, text } = first!;
      const body = typeof request.body === 'string' ? request.body : Buffer.from(request.body ?? []).toString('latin1');
      const auth = request.auth && 'as' in request.auth ? `<${request.auth.as} token>` : request.auth?.header;
      lines.push(
        `• ${key} (×${groups.get(key)!.length})`,
        `    ${request.method} ${request.url.slice(0, 300)}`,
        `    headers ${JSON.stringify({ ...request.headers, ...(auth ? { Authorization: auth.slice(0, 80) } : {}) }).slice(0, 300)}`,
        `    body ${JSON.stringify(body.slice(0, 200))}${body.length > 200 ? ` (${body.length} bytes)` : ''}`,
        `    → ${status} ${JSON.stringify(text.slice(0, 300))}`,
      );
    }
    return lines.join('\n');
  }

  /** `METHOD route  200×12 401×30 …` per operation. */
  coverage(): string {
    return [...this.statuses]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([key, counts]) =>
          `${key.padEnd(48)} ${[...counts]
            .sort(([a], [b]) => a - b)
            .map(([s, n]) => `${s}×${n}`)
            .join(' ')}`,
      )
      .join('\n');
  }
}

/** Requests for a fuzz file: its share of FUZZ_RUNS (requests across the fuzz suite, default 10,000). */
export function budget(fuzzRuns: string | undefined, share: number): number {
  const total = fuzzRuns === undefined ? 10_000 : Number(fuzzRuns);
  if (!Number.isSafeInteger(total) || total < 1)
    throw new Error(`FUZZ_RUNS: expected a whole number ≥ 1 (got "${fuzzRuns}")`);
  return Math.ceil(total * share);
}

/** FUZZ_SEED when given (to replay a failure), else a fresh one. */
export function seedOf(fuzzSeed: string | undefined): number {
  if (fuzzSeed === undefined) return Math.floor(Math.random() * 2 ** 31);
  if (!/^-?\d+$/.test(fuzzSeed)) throw new Error(`FUZZ_SEED: expected a whole number (got "${fuzzSeed}")`);
  return Number(fuzzSeed);
}
