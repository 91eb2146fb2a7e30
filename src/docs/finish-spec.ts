/**
 * Finishes the spec tsoa generates from the controllers with what no single
 * controller declares (run by scripts/openapi.ts, so the file on disk, the
 * served /openapi.json, the linters and the generated clients all agree):
 *
 * - the answers of the middleware in front of every controller (SHARED
 *   below): 400/413/415 from the body parsers, 422 from validation, 401
 *   from authentication, 429 from the /auth rate limit, 503 when PostgreSQL
 *   or Redis is down, 500, and 304 from conditional GETs;
 * - the headers every response carries (X-Request-Id, Cache-Control, ETag
 *   on bodies), Retry-After on 429/503, WWW-Authenticate on 401, the rate
 *   limit headers on /auth;
 * - `application/problem+json` on every error (tsoa drops the media type of
 *   a class-level `@Response`, and a shared answer has no decorator at all);
 * - an example on every response (src/docs/examples.ts).
 *
 * Each of these is true of one piece of middleware, so it is declared here,
 * once, next to the list of which operations it applies to, instead of as a
 * decorator repeated on every controller. Running it on a finished spec
 * changes nothing.
 */
import { NO_STORE, PRIVATE, PUBLIC_CATALOG } from '../controllers/cache-policy.js';
import { PROBLEM_EXAMPLES, RESPONSE_EXAMPLES, problemExample } from './examples.js';

/** Every Cache-Control value the API sends (src/controllers/cache-policy.ts). */
const CACHE_CONTROL_VALUES = [PRIVATE, NO_STORE, PUBLIC_CATALOG];

/** A JSON Schema object of the spec (only what this module reads). */
export type Schema = Record<string, unknown> & { $ref?: string; anyOf?: Schema[] };

/** An OpenAPI 3.0 header object. */
export interface HeaderObject {
  description: string;
  required?: boolean;
  schema: Schema;
  example?: unknown;
}

/** An OpenAPI 3.0 media type object. */
export interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}

/** An OpenAPI 3.0 response object. */
export interface ResponseObject {
  description: string;
  content?: Record<string, MediaType>;
  headers?: Record<string, HeaderObject>;
}

/** An OpenAPI 3.0 operation object (the members this module reads and writes). */
export interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses: Record<string, ResponseObject>;
  [member: string]: unknown;
}

/** The parts of an OpenAPI 3.0 document this module reads and writes. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; [member: string]: unknown };
  [member: string]: unknown;
}

/** What a shared answer needs to know about an operation. */
interface Site {
  path: string;
  method: string;
  operation: Operation;
}

const PROBLEM = 'application/problem+json';
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** Bodies are read on every POST, PUT and PATCH, whether or not the operation takes one (middleware/body-guard.ts). */
const readsBody = ({ method, operation }: Site): boolean =>
  operation.requestBody !== undefined || ['post', 'put', 'patch'].includes(method);
const hasPathParameters = ({ operation }: Site): boolean =>
  (operation.parameters ?? []).some((parameter) => parameter.in === 'path');
const needsToken = ({ operation }: Site): boolean => (operation.security ?? []).some((scheme) => 'jwt' in scheme);
const isAuth = ({ path }: Site): boolean => path.startsWith('/api/v1/auth/');

/** Headers, one definition each. */
const HEADERS = {
  'X-Request-Id': {
    description: 'The id of this request (the one the client sent, or a new UUID): quote it when asking for support.',
    required: true,
    schema: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9._:-]{1,128}$' },
    example: '0f8e2a4c-3c1b-4d7a-9b1e-5f6a7b8c9d0e',
  },
  'Cache-Control': {
    description:
      'How long the answer may be cached: `no-store` for personal answers, a few seconds `public` for the catalog.',
    schema: { type: 'string', enum: CACHE_CONTROL_VALUES },
    example: PRIVATE,
  },
  ETag: {
    description: 'A validator of the body: send it back as If-None-Match to get 304 while it is unchanged.',
    schema: { type: 'string', maxLength: 200, pattern: '^(W/)?"[\\x21\\x23-\\x7e]*"$' },
    example: 'W/"1f4-3a9c"',
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    required: true,
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 86400 },
    example: 5,
  },
  'WWW-Authenticate': {
    description: 'The scheme to authenticate with (`Bearer`).',
    schema: { type: 'string', enum: ['Bearer'] },
    example: 'Bearer',
  },
  Location: {
    description: 'Where the created resource can be read.',
    required: true,
    schema: { type: 'string', maxLength: 200, pattern: '^/api/v1/[a-z0-9/]+$' },
    example: '/api/v1/orders/1001',
  },
  'Idempotent-Replayed': {
    description: '`true` when this answer replays what an earlier request with the same Idempotency-Key did.',
    schema: { type: 'string', enum: ['true'] },
    example: 'true',
  },
  'RateLimit-Limit': {
    description: 'Requests this client may make to /api/v1/auth in a window (AUTH_RATE_LIMIT).',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 },
    example: 60,
  },
  'RateLimit-Remaining': {
    description: 'Requests left in the current window.',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 },
    example: 59,
  },
  'RateLimit-Reset': {
    description: 'Seconds until the window ends.',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86400 },
    example: 60,
  },
} satisfies Record<string, HeaderObject>;

type HeaderName = keyof typeof HEADERS;

/** An answer the middleware gives: for which operations, and what it looks like. */
interface SharedResponse {
  status: string;
  appliesTo: (site: Site) => boolean;
  description: string;
  /** The problem schema(s) of the body; none for 304. */
  schemas: string[];
  headers?: HeaderName[];
}

/** Every answer that comes from middleware rather than from a controller (see the module comment). */
const SHARED: SharedResponse[] = [
  {
    status: '304',
    appliesTo: ({ method }) => method === 'get',
    description: 'Not modified: the If-None-Match ETag still matches (whatever Cache-Control the request carries).',
    schemas: [],
    headers: ['ETag', 'Cache-Control'],
  },
  {
    status: '400',
    appliesTo: (site) => readsBody(site) || hasPathParameters(site),
    description:
      'The body is not valid JSON, or its charset or encoding is not supported, or a path segment is not a valid %-escape',
    schemas: ['ProblemDetails'],
  },
  {
    status: '401',
    appliesTo: needsToken,
    description: 'Missing, invalid, expired or revoked access token',
    schemas: ['ProblemDetails'],
  },
  {
    status: '413',
    appliesTo: readsBody,
    description: 'The body is larger than the limit (JSON_BODY_LIMIT, 100 kB by default)',
    schemas: ['ProblemDetails'],
  },
  {
    status: '415',
    appliesTo: readsBody,
    description: "The body's Content-Type is not one this operation takes",
    schemas: ['ProblemDetails'],
  },
  {
    status: '422',
    appliesTo: (site) => readsBody(site) || (site.operation.parameters ?? []).length > 0,
    description: 'Invalid parameters or fields, or fields this operation does not take',
    schemas: ['ValidationProblem'],
  },
  {
    status: '429',
    appliesTo: isAuth,
    description: 'Too many requests from this client (or failed logins for this account); see Retry-After',
    schemas: ['ProblemDetails'],
  },
  {
    status: '500',
    appliesTo: () => true,
    description: 'An unexpected error; the body never contains internals',
    schemas: ['ProblemDetails'],
  },
  {
    status: '503',
    appliesTo: ({ path }) => path !== '/health',
    description:
      'PostgreSQL or, for signed-in calls, Redis is unavailable, or the server is shutting down; see Retry-After',
    schemas: ['ProblemDetails'],
  },
];

/** The schema refs a media type's schema names (one ref, or an anyOf of refs). */
function refsOf(schema: Schema | undefined): string[] {
  if (!schema) return [];
  if (schema.$ref) return [schema.$ref.replace('#/components/schemas/', '')];
  return (schema.anyOf ?? []).flatMap(refsOf);
}

const schemaOf = (names: string[]): Schema => (names.length === 1 ? ref(names[0]!) : { anyOf: names.map(ref) });

/**
 * Every error's body is a problem, under one media type, problem+json. The
 * schemas a controller declared for the status are exact (it knows which
 * kinds it raises); a status only the middleware answers gets `fallback`.
 */
function problemContent(response: ResponseObject, fallback: string[]): void {
  const declared = [...new Set(Object.values(response.content ?? {}).flatMap((media) => refsOf(media.schema)))];
  const names = declared.length > 0 ? declared : fallback;
  if (names.length === 0) return;
  const media = response.content?.[PROBLEM] ?? {};
  response.content = { [PROBLEM]: { ...media, schema: schemaOf(names) } };
}

function addHeaders(response: ResponseObject, names: readonly HeaderName[]): void {
  response.headers ??= {};
  for (const name of names) response.headers[name] ??= { ...HEADERS[name] };
}

/** Headers a controller declared (tsoa writes only their type): their description and example from HEADERS. */
function describeHeaders(response: ResponseObject): void {
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const known = HEADERS[name as HeaderName] as HeaderObject | undefined;
    if (known) response.headers![name] = { ...known, ...header, schema: { ...known.schema, ...header.schema } };
  }
}

/** Which headers each response carries, by status (see the module comment). */
function headersOf(site: Site, status: string, response: ResponseObject): HeaderName[] {
  const names: HeaderName[] = ['X-Request-Id', 'Cache-Control'];
  if (status.startsWith('2') && response.content) names.push('ETag');
  if (status === '401') names.push('WWW-Authenticate');
  if (status === '429' || status === '503') names.push('Retry-After');
  if (isAuth(site) && status !== '304') names.push('RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset');
  return names;
}

/** Sample path for `instance` in examples: the template with 42 for each parameter. */
const samplePath = (path: string): string => path.replace(/\{[^}]+\}/g, '42');

function exampleFor(site: Site, status: string, response: ResponseObject): void {
  for (const media of Object.values(response.content ?? {})) {
    if (media.example !== undefined || media.examples !== undefined) continue;
    const refs = refsOf(media.schema);
    const problems = refs.filter((name) => name in PROBLEM_EXAMPLES || name === 'ProblemDetails');
    if (problems.length > 0 && problems.length === refs.length) {
      const samples = problems.map((name) => problemExample(name, Number(status), samplePath(site.path)));
      if (samples.length === 1) media.example = samples[0];
      else media.examples = Object.fromEntries(problems.map((name, i) => [name, { value: samples[i] }]));
      continue;
    }
    const example = RESPONSE_EXAMPLES[site.operation.operationId ?? '']?.[status];
    if (example === undefined) {
      throw new Error(`No example for ${site.method.toUpperCase()} ${site.path} ${status} (src/docs/examples.ts)`);
    }
    media.example = example;
  }
}

/** Returns the finished spec (the input is not changed). */
export function finishSpec(input: OpenApiDocument): OpenApiDocument {
  const spec = structuredClone(input);
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const site: Site = { path, method, operation };
      for (const shared of SHARED.filter((entry) => entry.appliesTo(site))) {
        const response = (operation.responses[shared.status] ??= { description: shared.description });
        if (shared.schemas.length > 0) problemContent(response, shared.schemas);
        addHeaders(response, shared.headers ?? []);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400) problemContent(response, []);
        describeHeaders(response);
        addHeaders(response, headersOf(site, status, response));
        exampleFor(site, status, response);
      }
      operation.responses = Object.fromEntries(
        Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)),
      );
    }
  }
  for (const name of new Set(SHARED.flatMap((entry) => entry.schemas))) {
    if (!spec.components.schemas[name])
      throw new Error(`Schema ${name} is not in the spec: reference it from a controller`);
  }
  return spec;
}
