/**
 * Request bodies of the staff panel, read here before AdminJS sees them.
 *
 * AdminJS's router (@adminjs/express) parses every /admin request with
 * express-formidable (formidable 1) ahead of its login check, with the
 * library's defaults: file parts of up to 200 MB streamed into os.tmpdir()
 * and never deleted, from anyone. `panelBodies` runs before it and always
 * marks the request parsed (`req.express_formidable.parsed`), which makes
 * formidable step aside for every request:
 * - without a staff session, only the login form is read (small, fields
 *   only); any other request with a body is refused (401) unparsed;
 * - with one, urlencoded, multipart and JSON bodies are read in memory,
 *   within STAFF_LIMITS, with field names AdminJS can take (`allowedName`).
 * Refusals are problems: 400 malformed, 401, 413 over a limit, 415 a type,
 * encoding or part not taken, 422 a field name; see body-refusal.ts for what
 * happens to the rest of a refused body.
 * Nothing is ever written to disk. The panel has no upload property (a
 * product links its picture by URL, `image_url`), so a file part is refused
 * (415). If an upload property is ever added, accept its files here, for
 * staff only: into a private folder, within a size and count limit, deleted
 * when the response closes whatever the outcome.
 *
 * AdminJS gets the shape formidable gave it: `req.fields` holds each form
 * field as a string under its name (the last one wins if a name repeats),
 * or a JSON body's top-level members as they are; `req.files` is empty.
 */
import busboy from 'busboy';
import type { Request, RequestHandler } from 'express';
import {
  type AppError,
  BadRequestError,
  PayloadTooLargeError,
  SignInRequiredError,
  UnsupportedMediaTypeError,
  ValidationError,
  malformedJson,
} from '../errors.js';
import { refuseBody as refuse } from './body-refusal.js';
import { allowedName } from './field-names.js';

const KB = 1024;

/** How much of a body is read. */
export interface BodyLimits {
  /** The body as sent. */
  bytes: number;
  fields: number;
  /** One field's value. */
  fieldBytes: number;
  /** One field's name. */
  nameBytes: number;
}

/** The login form: an e-mail and a password. */
export const LOGIN_LIMITS: BodyLimits = { bytes: 16 * KB, fields: 10, fieldBytes: 4 * KB, nameBytes: 100 };

/**
 * Staff forms. The panel posts every field of the record it saves (under 20
 * for the largest, users); the longest value is a description, which has no
 * length limit of its own. A field may hold 256 KB, more than any body the
 * API accepts (JSON_BODY_LIMIT, 100 KB by default), so no text the shop
 * stores is too long to save again in the panel; the whole form 1 MB.
 */
export const STAFF_LIMITS: BodyLimits = { bytes: 1024 * KB, fields: 200, fieldBytes: 256 * KB, nameBytes: 200 };

type Fields = Record<string, unknown>;
type BodyKind = 'urlencoded' | 'multipart' | 'json';

/** Methods whose body, if any, means nothing to the panel: it is left unread. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Deeper JSON than any panel form makes (the API refuses it too: middleware/body-guard.ts). */
const MAX_DEPTH = 32;

const malformedForm = () => new BadRequestError('The request body is not a well-formed form.', 'malformed-body');
const tooLarge = (what: string) => new PayloadTooLargeError(what);
const aborted = () => new BadRequestError('The request body ended before it was complete.', 'malformed-body');

/** What `panelBodies` needs to know about the panel. */
export interface PanelBodyOptions {
  /** True when the request belongs to a signed-in staff member. */
  isStaff: (req: Request) => boolean;
  /** The login form's path inside the panel's router (e.g. `/login`). */
  loginPath: string;
}

/** Express middleware for the panel's router, after the session and before AdminJS: reads or refuses the body (see above). */
export function panelBodies({ isStaff, loginPath }: PanelBodyOptions): RequestHandler {
  // Matched as AdminJS's own route is (Express routes ignore case and a trailing slash).
  const loginRoute = new RegExp(`^${loginPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?$`, 'i');
  return (req, res, next) => {
    const parsed = (fields: Fields) => {
      Object.assign(req, { fields, files: {}, express_formidable: { parsed: true } });
      next();
    };
    if (BODYLESS_METHODS.has(req.method) || !hasBody(req)) return parsed({});
    const staff = isStaff(req);
    const login = req.method === 'POST' && loginRoute.test(req.path);
    if (!staff && !login) {
      return refuse(req, res, next, new SignInRequiredError('Sign in to the staff panel first.'));
    }
    const refusal = checkHeaders(req, staff);
    if (refusal) return refuse(req, res, next, refusal);
    const limits = staff ? STAFF_LIMITS : LOGIN_LIMITS;
    readBody(req, bodyKind(req)!, limits).then(parsed, (error: AppError) => refuse(req, res, next, error));
  };
}

/** As type-is decides it: a Transfer-Encoding, or a Content-Length other than 0. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) !== 0);
}

function bodyKind(req: Request): BodyKind | undefined {
  if (req.is('application/x-www-form-urlencoded')) return 'urlencoded';
  if (req.is('multipart/form-data')) return 'multipart';
  if (req.is('json')) return 'json';
  return undefined;
}

/** Why a body is refused from its headers alone (kind, encoding, declared length), if it is. */
function checkHeaders(req: Request, staff: boolean): AppError | undefined {
  const kind = bodyKind(req);
  const accepted = staff ? kind !== undefined : kind === 'urlencoded' || kind === 'multipart';
  if (!accepted) {
    return new UnsupportedMediaTypeError(
      staff
        ? 'The staff panel takes urlencoded, multipart (fields only) or JSON bodies.'
        : 'The login form takes urlencoded or multipart (fields only) bodies.',
    );
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return new UnsupportedMediaTypeError('The staff panel takes no compressed bodies.');
  }
  const limits = staff ? STAFF_LIMITS : LOGIN_LIMITS;
  if (Number(req.headers['content-length']) > limits.bytes) return tooLarge(sizeOf(limits.bytes));
  return undefined;
}

const sizeOf = (bytes: number) => `${bytes / KB} KB`;

/** A parser of one body kind: takes the body chunk by chunk and settles `read`'s promise. */
interface BodyParser {
  write(chunk: Buffer): void;
  end(): void;
}

/** Reads the body into fields within `limits`, in memory; rejects with the refusal. */
function readBody(req: Request, kind: BodyKind, limits: BodyLimits): Promise<Fields> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let settled = false;
    let parser: BodyParser | undefined;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.bytes) done(tooLarge(sizeOf(limits.bytes)));
      else parser?.write(chunk);
    };
    const onEnd = () => parser?.end();
    // A request closes after its end too: only a close before it means the client went away.
    const onClose = () => {
      if (!req.complete) done(aborted());
    };
    function done(error?: AppError, fields?: Fields): void {
      if (settled) return;
      settled = true;
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('close', onClose);
      req.removeListener('error', onClose);
      if (error) reject(error);
      else resolve(fields ?? {});
    }
    try {
      parser = kind === 'json' ? jsonParser(limits, done) : formParser(req, limits, done);
    } catch {
      // busboy throws on a Content-Type it cannot use (e.g. multipart without a boundary).
      done(malformedForm());
      return;
    }
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.once('error', onClose);
  });
}

/** Urlencoded and multipart forms, with busboy. */
function formParser(req: Request, limits: BodyLimits, done: (error?: AppError, fields?: Fields) => void): BodyParser {
  // One past each limit, so that a value of exactly the limit passes and anything more shows as truncated.
  const parser = busboy({
    headers: req.headers,
    defParamCharset: 'utf8',
    limits: {
      fieldSize: limits.fieldBytes + 1,
      fieldNameSize: limits.nameBytes + 1,
      fields: limits.fields + 1,
      files: 0,
    },
  });
  const fields: Fields = {};
  let count = 0;
  parser.on('field', (name: string | undefined, value, info) => {
    if (++count > limits.fields) return done(tooLarge(`${limits.fields} fields`));
    if (info.nameTruncated || (name !== undefined && Buffer.byteLength(name) > limits.nameBytes)) {
      return done(tooLarge(`${limits.nameBytes}-byte field name`));
    }
    if (info.valueTruncated) return done(tooLarge(`${sizeOf(limits.fieldBytes)} per field`));
    if (name === undefined) return; // a part without a name is no field (formidable dropped it too)
    if (!allowedName(name)) return done(notAllowed(name, 'is not an allowed field name'));
    fields[name] = value;
  });
  parser.on('filesLimit', () => done(new UnsupportedMediaTypeError('The staff panel accepts no file uploads.')));
  parser.on('error', () => done(malformedForm()));
  parser.on('finish', () => done(undefined, fields));
  return { write: (chunk) => parser.write(chunk), end: () => parser.end() };
}

/** A JSON object, whose top-level members become the fields (as formidable did). */
function jsonParser(limits: BodyLimits, done: (error?: AppError, fields?: Fields) => void): BodyParser {
  const chunks: Buffer[] = [];
  return {
    write: (chunk) => chunks.push(chunk),
    end: () => {
      let body: unknown;
      try {
        body = JSON.parse(
          Buffer.concat(chunks)
            .toString('utf8')
            .replace(/^\uFEFF/, ''),
        ) as unknown;
      } catch {
        return done(malformedJson());
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        return done(new BadRequestError('The request body must be a JSON object.', 'malformed-json'));
      }
      const entries = Object.entries(body);
      if (entries.length > limits.fields) return done(tooLarge(`${limits.fields} fields`));
      const offending = offendingMember(body, '', 0);
      if (offending) return done(notAllowed(offending.path, offending.message));
      done(undefined, Object.fromEntries(entries));
    },
  };
}

const notAllowed = (field: string, message: string) => new ValidationError([{ field, message }]);

/** The first JSON member, at any depth, whose name is not allowed, or where the nesting gets too deep. */
function offendingMember(value: unknown, path: string, depth: number): { path: string; message: string } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH) return { path, message: `is nested more than ${MAX_DEPTH} levels deep` };
  for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = path ? `${path}.${name}` : name;
    if (!allowedName(name)) return { path: childPath, message: 'is not an allowed field name' };
    const found = offendingMember(child, childPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}
