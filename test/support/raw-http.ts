/** Requests with bodies sent byte for byte over node:http, including bodies too large to hold (streamed). */
import { Agent, type IncomingHttpHeaders, request } from 'node:http';

/** A body streamed in chunks: `head`, then `bytes` filler bytes; chunked unless `declareLength`. */
export interface StreamedBody {
  head?: Buffer;
  bytes: number;
  /** Send a Content-Length (the server can refuse from it) instead of chunked transfer encoding. */
  declareLength?: boolean;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | StreamedBody;
}

export interface RawAnswer {
  /** 0 when the connection ended without an answer. */
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Body bytes handed to the connection before it finished or was cut off (a Buffer body: all of it at once). */
  sent: number;
  /** The whole body was handed over. */
  sentAll: boolean;
}

const CHUNK = Buffer.alloc(64 * 1024, 'a');

/**
 * Sends one request on a fresh keep-alive connection (so that the client goes
 * on sending after an early answer and only the server can cut it short),
 * and waits for both the answer and the end of the upload.
 */
export function rawRequest(
  baseUrl: string,
  { method = 'POST', path, headers = {}, body }: RawRequest,
): Promise<RawAnswer> {
  const streamed = body !== undefined && !Buffer.isBuffer(body) ? body : undefined;
  const head = streamed?.head ?? Buffer.alloc(0);
  const total = streamed ? head.length + streamed.bytes : ((body as Buffer | undefined)?.length ?? 0);
  const allHeaders: Record<string, string> = { ...headers };
  if (!streamed || streamed.declareLength) allHeaders['Content-Length'] = String(total);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise<RawAnswer>((resolve) => {
    const req = request(new URL(path, baseUrl), { method, headers: allHeaders, agent });
    let answer: Omit<RawAnswer, 'sent' | 'sentAll'> | undefined;
    let sent = 0;
    let uploading = true;
    let closed = false;
    const finish = () => {
      if (!uploading && (answer || closed)) {
        resolve({ ...(answer ?? { status: 0, headers: {}, text: '' }), sent, sentAll: sent === total });
      }
    };
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      const done = () => {
        answer ??= { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') };
        finish();
      };
      res.once('end', done);
      res.once('error', done);
    });
    req.on('error', () => undefined);
    req.once('close', () => {
      closed = true;
      uploading = false;
      finish();
    });
    const upload = async () => {
      if (!streamed) {
        req.end(body);
        sent = total;
        return;
      }
      req.write(head);
      sent += head.length;
      let left = streamed.bytes;
      while (left > 0 && !req.destroyed && !closed) {
        const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= piece.length;
        sent += piece.length;
        if (!req.write(piece)) {
          await new Promise<void>((next) => {
            const go = () => {
              req.off('drain', go).off('close', go).off('error', go);
              next();
            };
            req.on('drain', go).on('close', go).on('error', go);
          });
        }
      }
      if (!closed) req.end();
    };
    void upload().then(() => {
      uploading = false;
      finish();
    });
  }).finally(() => agent.destroy());
}
