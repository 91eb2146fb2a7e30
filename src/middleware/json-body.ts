/**
 * JSON request bodies. The plain case — `Content-Type: application/json`
 * (optionally `; charset=utf-8`), a Content-Length within the limit, no
 * Content-Encoding — is read here directly; everything else (compressed or
 * chunked bodies, other charsets, oversized ones) goes to body-parser's
 * `express.json`, which answers it exactly as before. The plain case ends
 * the same way body-parser would end it (object or array only, a UTF-8 BOM
 * ignored, malformed JSON → the same 400), without its general machinery
 * (stream decoding, media type parsing twice, charset lookup), which costs
 * as much as the rest of a short request's parsing.
 */
import express, { type RequestHandler } from 'express';
import { config } from '../config.js';
import { BadRequestError, malformedJson as malformed } from '../errors.js';

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** JSON_BODY_LIMIT (`100kb`, `1mb`, `2048`) in bytes, as body-parser reads it. */
export function limitBytes(limit: string): number {
  const [, amount, unit] = /^(\d+)(b|kb|mb)?$/i.exec(limit) ?? [];
  return Number(amount) * (UNITS[(unit ?? 'b').toLowerCase()] ?? 1);
}

const PLAIN_TYPE = /^application\/json(?:;\s*charset=(?:"utf-8"|utf-8))?$/i;
const DIGITS = /^\d+$/;
/** The first character that is not JSON whitespace. */
const FIRST_CHAR = /^[ \t\n\r]*(.)/s;

/** Parses a plain body's text as body-parser does in strict mode: an object or an array. */
function parse(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = FIRST_CHAR.exec(body)?.[1];
  if (first !== '{' && first !== '[') throw malformed();
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw malformed();
  }
}

/** express.json with the plain case read directly (see above); `limit` as JSON_BODY_LIMIT. */
export function jsonBody(limit = config.http.jsonBodyLimit): RequestHandler {
  const general = express.json({ limit });
  const maxBytes = limitBytes(limit);
  return (req, res, next) => {
    const { headers } = req;
    const length = headers['content-length'];
    const plain =
      !(req as { _body?: boolean })._body &&
      PLAIN_TYPE.test(headers['content-type'] ?? '') &&
      headers['content-encoding'] === undefined &&
      headers['transfer-encoding'] === undefined &&
      length !== undefined &&
      DIGITS.test(length) &&
      Number(length) > 0 &&
      Number(length) <= maxBytes;
    if (!plain) {
      general(req, res, next);
      return;
    }
    const chunks: Buffer[] = [];
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      req.removeListener('data', onData);
      if (error) {
        next(error);
        return;
      }
      try {
        req.body = parse(Buffer.concat(chunks).toString('utf8'));
      } catch (failure) {
        next(failure);
        return;
      }
      (req as { _body?: boolean })._body = true;
      next();
    };
    const onData = (chunk: Buffer) => chunks.push(chunk);
    req.on('data', onData);
    req.once('end', () => finish());
    req.once('aborted', () => finish(new BadRequestError('request aborted', 'bad-request')));
    req.once('error', (error) => finish(error));
  };
}
