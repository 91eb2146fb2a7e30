/** Raw multipart/form-data bodies, byte for byte, and a watch on the temp folder that uploads would land in. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One part: a field, or a file when it has a `filename`. */
export interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

export const BOUNDARY = '----emporium-test-boundary';

/** The Content-Type header for `boundary`. */
export const multipartType = (boundary = BOUNDARY): string => `multipart/form-data; boundary=${boundary}`;

/** The opening of `part`: its boundary line and headers, up to where its content begins. */
export function partHead(part: Omit<Part, 'value'>, boundary = BOUNDARY): Buffer {
  const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
  const type = part.contentType ?? (part.filename === undefined ? undefined : 'application/octet-stream');
  return Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n` +
      `${type ? `Content-Type: ${type}\r\n` : ''}\r\n`,
  );
}

/** A well-formed multipart body of `parts`, as browsers send FormData. */
export function multipart(parts: Part[], boundary = BOUNDARY): Buffer {
  const chunks = parts.flatMap((part) => [
    partHead(part, boundary),
    Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value),
    Buffer.from('\r\n'),
  ]);
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** Form fields as multipart parts. */
export const fieldParts = (fields: Record<string, string>): Part[] =>
  Object.entries(fields).map(([name, value]) => ({ name, value }));

/**
 * Points os.tmpdir() (formidable's upload folder) at a fresh folder of this
 * test file's own, so that what lands there is certainly from this file's
 * requests, not from another process's; `newEntries` lists what appeared
 * since the last `snapshot`. Call in beforeAll; `restore` in afterAll.
 */
export function watchTmpdir() {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'emporium-uploads-'));
  process.env.TMPDIR = dir;
  let before = new Set<string>();
  return {
    dir,
    snapshot: () => {
      before = new Set(readdirSync(tmpdir()));
    },
    newEntries: () => readdirSync(tmpdir()).filter((name) => !before.has(name)),
    restore: () => {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
