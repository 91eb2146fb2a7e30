/**
 * Writes the API's OpenAPI document: tsoa has just generated it from the
 * controllers (`tsoa spec-and-routes`, into src/generated/tsoa/); this adds
 * what no single controller declares (src/docs/finish-spec.ts) and writes
 * src/generated/openapi.json, which /openapi.json, the linters and the
 * generated clients read. Written to a temporary file and renamed, so a
 * reader never sees half a spec.
 *
 * Run by `npm run openapi` (and so by build, dev, typecheck, lint and test).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { finishSpec, type OpenApiDocument } from '../src/docs/finish-spec.js';

const generated = new URL('../src/generated/tsoa/openapi.json', import.meta.url);
const finished = new URL('../src/generated/openapi.json', import.meta.url);
const temporary = new URL(`../src/generated/openapi.json.${process.pid}.tmp`, import.meta.url);

const spec = JSON.parse(readFileSync(generated, 'utf8')) as OpenApiDocument;
writeFileSync(temporary, `${JSON.stringify(finishSpec(spec), null, 2)}\n`);
renameSync(temporary, finished);
