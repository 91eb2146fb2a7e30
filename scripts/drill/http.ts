/**
 * A small HTTP client on node:http that never throws and never waits
 * forever: every request has a deadline, and the outcome says what happened
 * (status, latency, body, or the socket error) and whether the request had
 * been completely sent when it failed.
 */
import http from 'node:http';
import { now, suffix } from './util.js';

/** What happened to one request. */
export interface Outcome {
  /** The X-Request-Id sent (the app echoes it and logs it). */
  id: string;
  method: string;
  path: string;
  /** HTTP status, or 0 when no complete response arrived. */
  status: number;
  /** Socket error code (ECONNREFUSED, ECONNRESET, TIMEOUT, ...) when there is no complete response. */
  error?: string;
  /** The request had been written completely before it failed. */
  sent: boolean;
  /** It went over a kept-alive connection opened for an earlier request. */
  reused: boolean;
  /** Which TCP connection carried it (numbered by this client). */
  connection: number;
  start: number;
  end: number;
  ms: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Options of one request. */
export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** JSON body (object) or a raw string. */
  json?: unknown;
  /** application/x-www-form-urlencoded body. */
  form?: Record<string, string>;
  /** Give up (error TIMEOUT) after this long; default 10 s. */
  timeoutMs?: number;
  agent?: http.Agent;
  /** Send the first half of the body, wait this long, then the rest (a request surely in flight). */
  slowBodyMs?: number;
}

let counter = 0;
const run = suffix();
const connections = new Map<object, number>();

/** A keep-alive connection pool, as a browser or load balancer would use. */
export const keepAliveAgent = (): http.Agent => new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Sends one request to `base` + `path`; always resolves. */
export function request(base: string, path: string, options: RequestOptions = {}): Promise<Outcome> {
  const method = options.method ?? (options.json !== undefined || options.form ? 'POST' : 'GET');
  const id = `drill-${run}-${(counter += 1)}`;
  const headers: Record<string, string> = { 'X-Request-Id': id, ...options.headers };
  let payload: string | undefined;
  if (options.json !== undefined) {
    payload = typeof options.json === 'string' ? options.json : JSON.stringify(options.json);
    headers['Content-Type'] = 'application/json';
  } else if (options.form) {
    payload = new URLSearchParams(options.form).toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  const start = now();
  const outcome: Outcome = {
    id,
    method,
    path,
    status: 0,
    sent: false,
    reused: false,
    connection: 0,
    start,
    end: 0,
    ms: 0,
    headers: {},
    body: '',
  };

  return new Promise((resolve) => {
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome.end = now();
      outcome.ms = outcome.end - start;
      if (error) {
        outcome.error = error;
        outcome.status = 0;
      }
      resolve(outcome);
    };
    const req = http.request(`${base}${path}`, { method, headers, agent: options.agent ?? false });
    const timer = setTimeout(() => {
      req.destroy();
      finish('TIMEOUT');
    }, options.timeoutMs ?? 10_000);
    req.on('finish', () => (outcome.sent = true));
    req.on('socket', (socket) => {
      outcome.reused = req.reusedSocket;
      if (!connections.has(socket)) connections.set(socket, connections.size + 1);
      outcome.connection = connections.get(socket)!;
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? 'RESPONSE_ERROR'));
      res.on('aborted', () => finish('RESPONSE_ABORTED'));
      res.on('end', () => {
        outcome.status = res.statusCode ?? 0;
        outcome.headers = res.headers;
        outcome.body = Buffer.concat(chunks).toString();
        finish();
      });
    });
    if (payload !== undefined && options.slowBodyMs) {
      const half = Math.floor(payload.length / 2);
      req.write(payload.slice(0, half));
      setTimeout(() => req.end(payload.slice(half)), options.slowBodyMs);
    } else {
      req.end(payload);
    }
  });
}

/** The response body parsed as JSON (undefined if it is not JSON). */
export function body<T = Record<string, unknown>>(outcome: Outcome): T | undefined {
  try {
    return JSON.parse(outcome.body) as T;
  } catch {
    return undefined;
  }
}

/** True for an RFC 9457 problem response with this status. */
export function isProblem(outcome: Outcome, status: number): boolean {
  const parsed = body<{ status?: number; type?: string }>(outcome);
  return (
    outcome.status === status &&
    String(outcome.headers['content-type']).startsWith('application/problem+json') &&
    parsed?.status === status &&
    typeof parsed.type === 'string'
  );
}

/** `Authorization: Bearer …` header. */
export const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

/** One line describing an outcome, for failure messages. */
export function describe(outcome: Outcome): string {
  const detail = body<{ detail?: unknown }>(outcome)?.detail;
  const text = typeof detail === 'string' ? JSON.stringify(detail) : outcome.body.slice(0, 120);
  const what = outcome.error
    ? `${outcome.error}${outcome.sent ? ' after the request was sent' : ''}`
    : `${outcome.status} ${text}`;
  return `${outcome.method} ${outcome.path} -> ${what} (${outcome.ms.toFixed(0)} ms, id ${outcome.id})`;
}
