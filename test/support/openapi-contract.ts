/**
 * The response contract: checks one response (status, media type, headers,
 * body) against an OpenAPI 3.0 document, with ajv. Wired into the test suite
 * by contract-checks.ts.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; NodeNext types see the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The parts of an OpenAPI 3.0 document the contract reads. */
export type OpenApiDocument = JsonObject;

/** One response as it went on the wire. */
export interface SentResponse {
  method: string;
  /** Path and query, as requested. */
  url: string;
  status: number;
  /** Header names in lower case; a repeated header keeps every value. */
  headers: Record<string, string[]>;
  /** The body bytes sent (empty for HEAD, 204 and 304), decoded if the server compressed them. */
  body: Buffer;
}

/** What can be wrong with a response (the `kind` of a mismatch). */
export type MismatchKind =
  | 'undeclared-status'
  | 'media-type'
  | 'undeclared-body'
  | 'missing-body'
  | 'body'
  | 'missing-header'
  | 'invalid-header'
  | 'undeclared-header'
  | 'spec';

/** One way a response breaks the contract. */
export interface Mismatch {
  method: string;
  url: string;
  /** The spec path template the URL matched. */
  route: string;
  status: number;
  kind: MismatchKind;
  /** The same for every response that breaks the contract the same way (instance paths with `*` for indices). */
  detail: string;
  /** The readable line: what was sent and what is wrong. */
  message: string;
}

/** A response with no operation in the spec to check it against. */
export interface SkippedResponse {
  method: string;
  url: string;
  status: number;
  reason: 'path not in spec' | 'method not in spec' | 'unfinished';
}

/** Headers that must be declared for a response whenever the server sends them. */
const WATCHED_HEADERS = [
  'retry-after',
  'etag',
  'cache-control',
  'idempotent-replayed',
  'x-request-id',
  'location',
  'www-authenticate',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
];
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const COMPONENTS_ID = 'https://emporium.test/openapi/components';
const SCHEMA_REF = '#/components/schemas/';
/** OpenAPI-only keywords that JSON Schema (and ajv's strict mode) does not know. */
const OPENAPI_ONLY = new Set(['example', 'discriminator', 'xml', 'externalDocs', 'nullable']);
const MAX_BODY_ERRORS = 8;

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An OpenAPI 3.0 schema as JSON Schema (draft-07, ajv's default): `nullable`
 * becomes a `null` type (or an `anyOf` with null), boolean exclusive bounds
 * become numeric ones, `$ref`s point into the components registered with ajv,
 * and OpenAPI-only keywords (`example`, `x-*`, ...) are dropped.
 */
export function toJsonSchema(schema: Json): Json {
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (OPENAPI_ONLY.has(key) || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.startsWith(SCHEMA_REF)
        ? `${COMPONENTS_ID}#/definitions/${value.slice(SCHEMA_REF.length)}`
        : value;
    } else if ((key === 'properties' || key === 'patternProperties') && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, toJsonSchema(child)]));
    } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out[key] = value.map(toJsonSchema);
    } else if (key === 'items' || key === 'additionalProperties' || key === 'not') {
      out[key] = toJsonSchema(value);
    } else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean') {
      const bound = schema[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'];
      if (value && typeof bound === 'number') out[key] = bound;
    } else {
      out[key] = value;
    }
  }
  if (typeof out.exclusiveMinimum === 'number') delete out.minimum;
  if (typeof out.exclusiveMaximum === 'number') delete out.maximum;
  if (schema.nullable !== true) return out;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  else if (Array.isArray(out.type)) out.type = [...out.type.filter((t) => t !== 'null'), 'null'];
  else return { anyOf: [out, { type: 'null' }] };
  return out;
}

/** Every `format` used anywhere in `node`. */
function formatsIn(node: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const child of node) formatsIn(child, found);
  else if (isObject(node)) {
    if (typeof node.format === 'string') found.add(node.format);
    for (const child of Object.values(node)) formatsIn(child, found);
  }
  return found;
}

/** One ajv error as a grouping key and a readable line. */
function describeError(error: ErrorObject, where: string): { detail: string; message: string } {
  const params = error.params as Record<string, unknown>;
  const extra =
    error.keyword === 'additionalProperties'
      ? ` '${String(params.additionalProperty)}'`
      : error.keyword === 'enum'
        ? ` ${JSON.stringify(params.allowedValues)}`
        : '';
  const path = `${where}${error.instancePath}`;
  const found = error.data === undefined ? '' : ` (got ${JSON.stringify(error.data)?.slice(0, 80)})`;
  return {
    detail: `${path.replace(/\/\d+(?=\/|$)/g, '/*')} ${error.keyword}${extra}`,
    message: `${path} ${error.message ?? error.keyword}${extra}${error.keyword === 'additionalProperties' ? '' : found}`,
  };
}

/** The errors worth reading: without the `null` branch and the summary of every nullable `anyOf`. */
function usefulErrors(errors: ErrorObject[]): ErrorObject[] {
  const real = errors.filter(
    (e) =>
      !(
        e.keyword === 'type' &&
        (e.params as { type?: string }).type === 'null' &&
        /anyOf\/\d+\/type$/.test(e.schemaPath)
      ),
  );
  const specific = real.filter((e) => e.keyword !== 'anyOf');
  return (specific.length ? specific : real).slice(0, MAX_BODY_ERRORS);
}

/** A header value as the type its schema declares (header values are strings on the wire). */
function headerValue(raw: string, schema: JsonObject | undefined): Json {
  const type = schema?.type;
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw) ? Number(raw) : raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (type === 'array') {
    const items = isObject(schema?.items) ? schema.items : undefined;
    return raw.split(',').map((part) => headerValue(part.trim(), items));
  }
  return raw;
}

/** The operation a request reached, or why there is none. */
type Target =
  { route: string; operation: JsonObject; key: string } | { skip: 'path not in spec' | 'method not in spec' };

interface PathEntry {
  template: string;
  pattern: RegExp;
  params: number;
  item: JsonObject;
}

/** Checks responses against one OpenAPI 3.0 document; validators are compiled on first use and kept. */
export class ResponseContract {
  private readonly ajv: Ajv;
  private readonly literal = new Map<string, JsonObject>();
  private readonly templated: PathEntry[] = [];
  private readonly bases: string[];
  private readonly validators = new Map<string, ValidateFunction | string>();

  constructor(private readonly spec: OpenApiDocument) {
    const paths = isObject(spec.paths) ? spec.paths : {};
    for (const [template, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      const names = template.match(/\{[^}]+\}/g) ?? [];
      if (!names.length) {
        this.literal.set(template, item);
        continue;
      }
      const source = template
        .split(/\{[^}]+\}/)
        .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
        .join('([^/]+)');
      this.templated.push({ template, pattern: new RegExp(`^${source}$`), params: names.length, item });
    }
    this.templated.sort((a, b) => a.params - b.params || b.template.length - a.template.length);
    const servers = Array.isArray(spec.servers) ? spec.servers : [];
    this.bases = servers.flatMap((server) =>
      isObject(server) && typeof server.url === 'string'
        ? [new URL(server.url, 'http://server.invalid').pathname.replace(/\/+$/, '')]
        : [],
    );
    if (!this.bases.length) this.bases.push('');

    this.ajv = new Ajv({
      allErrors: true,
      verbose: true,
      strict: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      allowUnionTypes: true,
    });
    addFormats(this.ajv);
    const components = isObject(spec.components) && isObject(spec.components.schemas) ? spec.components.schemas : {};
    // Converted as the properties of one object schema: each component is converted as a schema, keyed by its name.
    const definitions = toJsonSchema({ properties: components }) as { properties: JsonObject };
    for (const format of formatsIn(spec)) if (!this.ajv.formats[format]) this.ajv.addFormat(format, true);
    this.ajv.addSchema({ $id: COMPONENTS_ID, definitions: definitions.properties });
  }

  /** The spec operation for a request, matching concrete paths before templated ones (as OpenAPI says). */
  target(method: string, url: string): Target {
    let path = url.split('?')[0] ?? '/';
    if (path.length > 1) path = path.replace(/\/$/, '');
    for (const base of this.bases) {
      if (base && path !== base && !path.startsWith(`${base}/`)) continue;
      const relative = path.slice(base.length) || '/';
      const found =
        (this.literal.has(relative) ? { template: relative, item: this.literal.get(relative)! } : undefined) ??
        this.templated.find((entry) => entry.pattern.test(relative));
      if (!found) continue;
      const verb = method.toLowerCase();
      const operation = found.item[verb] ?? (verb === 'head' ? found.item.get : undefined);
      if (!METHODS.has(verb) || !isObject(operation)) return { skip: 'method not in spec' };
      return { route: found.template, operation, key: `${method.toUpperCase()} ${found.template}` };
    }
    return { skip: 'path not in spec' };
  }

  /** Every way `sent` breaks the contract, or why it was not checked (no operation covers it). */
  check(sent: SentResponse): { skipped?: SkippedResponse['reason']; mismatches: Mismatch[] } {
    const target = this.target(sent.method, sent.url);
    if ('skip' in target) return { skipped: target.skip, mismatches: [] };
    const mismatches: Mismatch[] = [];
    const add = (kind: MismatchKind, detail: string, message: string) =>
      mismatches.push({
        method: sent.method,
        url: sent.url,
        route: target.route,
        status: sent.status,
        kind,
        detail,
        message: `${sent.method} ${sent.url.slice(0, 160)} → ${sent.status} [${kind}] ${message}`,
      });

    const responses = this.deref(target.operation.responses);
    const code = String(sent.status);
    const declared = [code, `${code[0]}XX`, `${code[0]}xx`, 'default'].find((name) => responses?.[name] !== undefined);
    const response = declared === undefined ? undefined : this.deref(responses?.[declared]);
    if (!response) {
      const known = Object.keys(responses ?? {}).join(', ');
      add('undeclared-status', `status ${code}`, `status ${code} is not declared (declared: ${known})`);
      return { mismatches };
    }
    const where = `${target.key} ${declared}`;
    this.checkHeaders(sent, response, where, add);

    const content = this.deref(response.content) ?? {};
    const mediaTypes = Object.keys(content);
    const hasBody = sent.body.length > 0;
    const contentType = sent.headers['content-type']?.[0];
    if (sent.method === 'HEAD') {
      if (contentType === undefined) return { mismatches };
    } else if (!hasBody) {
      if (mediaTypes.length)
        add('missing-body', 'empty body', `no body, but the response declares ${mediaTypes.join(', ')}`);
      return { mismatches };
    } else if (!mediaTypes.length) {
      const type = contentType ?? 'no Content-Type';
      add(
        'undeclared-body',
        `body ${type.split(';')[0]}`,
        `a body (${sent.body.length} bytes, ${type}) where none is declared`,
      );
      return { mismatches };
    }
    const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const declaredMedia =
      mediaTypes.find((name) => name.toLowerCase() === media) ??
      mediaTypes.find((name) => name.toLowerCase() === `${media.split('/')[0]}/*`) ??
      mediaTypes.find((name) => name === '*/*');
    if (declaredMedia === undefined) {
      add(
        'media-type',
        `${media || 'none'}`,
        `Content-Type "${contentType ?? ''}" is not declared (declared: ${mediaTypes.join(', ')})`,
      );
      return { mismatches };
    }
    if (sent.method === 'HEAD') return { mismatches };
    const mediaObject = this.deref(content[declaredMedia]);
    if (mediaObject?.schema === undefined) return { mismatches };
    const text = sent.body.toString('utf8');
    let data: Json = text;
    if (/^application\/(.+\+)?json$/.test(media)) {
      try {
        data = JSON.parse(text) as Json;
      } catch {
        add('body', 'not JSON', `the ${media} body is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
        return { mismatches };
      }
    } else if (this.deref(mediaObject.schema)?.type !== 'string') {
      return { mismatches };
    }
    const validate = this.validator(`${where} ${declaredMedia}`, mediaObject.schema);
    if (typeof validate === 'string') add('spec', `schema of ${declaredMedia}`, validate);
    else if (!validate(data)) {
      const closest = this.closestAlternative(`${where} ${declaredMedia}`, mediaObject.schema, data);
      for (const error of closest?.errors ?? usefulErrors(validate.errors ?? [])) {
        const { detail, message } = describeError(error, 'body');
        add('body', detail, closest ? `${message} (closest of the alternatives: ${closest.name})` : message);
      }
    }
    return { mismatches };
  }

  /**
   * For a body schema that is a choice (`anyOf`/`oneOf`, e.g. problem
   * subtypes), the errors against the alternative the body comes closest to:
   * ajv's own list mixes every alternative's errors.
   */
  private closestAlternative(
    key: string,
    schema: Json,
    data: Json,
  ): { name: string; errors: ErrorObject[] } | undefined {
    const choice = this.deref(schema);
    const alternatives = choice?.anyOf ?? choice?.oneOf;
    if (!Array.isArray(alternatives)) return undefined;
    let closest: { name: string; errors: ErrorObject[] } | undefined;
    alternatives.forEach((alternative, index) => {
      const validate = this.validator(`${key} alternative ${index}`, alternative);
      if (typeof validate === 'string' || validate(data)) return;
      const errors = usefulErrors(validate.errors ?? []);
      const ref = isObject(alternative) && typeof alternative.$ref === 'string' ? alternative.$ref : undefined;
      if (!closest || errors.length < closest.errors.length) {
        closest = { name: ref?.split('/').pop() ?? `#${index}`, errors };
      }
    });
    return closest;
  }

  private checkHeaders(
    sent: SentResponse,
    response: JsonObject,
    where: string,
    add: (kind: MismatchKind, detail: string, message: string) => void,
  ): void {
    const declared = new Map<string, JsonObject>();
    for (const [name, header] of Object.entries(this.deref(response.headers) ?? {})) {
      const resolved = this.deref(header);
      if (resolved && name.toLowerCase() !== 'content-type') declared.set(name.toLowerCase(), resolved);
    }
    for (const [name, header] of declared) {
      const values = sent.headers[name];
      if (values === undefined) {
        if (header.required === true) add('missing-header', name, `required header ${name} is missing`);
        continue;
      }
      if (header.schema === undefined) continue;
      const validate = this.validator(`${where} header ${name}`, header.schema);
      const value = headerValue(values.join(', '), this.deref(header.schema));
      if (typeof validate === 'string') add('spec', `schema of header ${name}`, validate);
      else if (!validate(value)) {
        const errors = usefulErrors(validate.errors ?? []).map((e) => describeError(e, `header ${name}`).message);
        add('invalid-header', name, `${errors.join('; ')} (value ${JSON.stringify(values.join(', '))})`);
      }
    }
    for (const name of WATCHED_HEADERS) {
      if (sent.headers[name] !== undefined && !declared.has(name)) {
        add('undeclared-header', name, `header ${name} is sent but not declared for this response`);
      }
    }
  }

  /** A compiled validator for `schema` (kept under `key`), or why it does not compile. */
  private validator(key: string, schema: Json): ValidateFunction | string {
    let validate = this.validators.get(key);
    if (validate === undefined) {
      try {
        validate = this.ajv.compile(toJsonSchema(schema) as JsonObject);
      } catch (error) {
        validate = `${key}: the schema does not compile: ${(error as Error).message}`;
      }
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** `node`, following `$ref`s within the document. */
  private deref(node: Json | undefined): JsonObject | undefined {
    for (let depth = 0; depth < 20 && isObject(node) && typeof node.$ref === 'string'; depth += 1) {
      const ref: string = node.$ref;
      if (!ref.startsWith('#/')) return undefined;
      node = ref
        .slice(2)
        .split('/')
        .map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<Json | undefined>((at, part) => (isObject(at) ? at[part] : undefined), this.spec);
    }
    return isObject(node) ? node : undefined;
  }
}
