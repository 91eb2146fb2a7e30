/**
 * A minimal HTTP/1.1 client for bursts: requests are serialised to bytes
 * beforehand and written on connections opened beforehand, all at once, and
 * each answer is read just far enough to know its status and length. On a
 * two-core machine a full client (fetch) spends about as much CPU per request
 * as the server does, and would steal it from the server under test.
 */
import { type Socket, connect } from 'node:net';

/** One request of a burst. */
export interface BurstRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** What one request of a burst got: its status (0 when the connection failed) and the time to its last byte. */
export interface BurstAnswer {
  status: number;
  ms: number;
}

const bytesOf = (host: string, request: BurstRequest): Buffer => {
  const body = Buffer.from(request.body ?? '');
  const head = [
    `${request.method} ${request.path} HTTP/1.1`,
    `host: ${host}`,
    ...Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${body.length}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), body]);
};

/**
 * Reads one HTTP answer from `socket`; resolves with its status, and the
 * moment (performance.now()) its last byte arrived, taken as soon as it did.
 */
function readAnswer(socket: Socket): Promise<{ status: number; at: number }> {
  return new Promise((resolve) => {
    let received: Buffer | undefined;
    const done = (status: number) => {
      const at = performance.now();
      socket.removeAllListeners('data');
      resolve({ status, at });
    };
    socket.on('data', (chunk: Buffer) => {
      received = received ? Buffer.concat([received, chunk]) : chunk;
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = received.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (received.length >= end + 4 + length) done(Number(head.slice(9, 12)));
    });
    socket.once('error', () => done(0));
    socket.once('close', () => done(0));
  });
}

/** Opens one connection per request, lets the server accept them, then sends every request at the same moment and times each answer. */
export async function burst(port: number, requests: BurstRequest[]): Promise<BurstAnswer[]> {
  const host = `127.0.0.1:${port}`;
  const sockets = await Promise.all(
    requests.map(
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => resolve(socket));
          socket.setNoDelay(true);
          socket.once('error', reject);
        }),
    ),
  );
  const payloads = requests.map((request) => bytesOf(host, request));
  // A connection counts as open for the client once the kernel completed the handshake, before the
  // server accepted it; give the server a moment to accept them all, as a shopper's browser has its
  // connection open before the sale starts.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const started = performance.now();
  const answers = sockets.map((socket, i) => {
    const answer = readAnswer(socket);
    socket.write(payloads[i]!);
    return answer;
  });
  // Connections close once every answer is in, as a browser keeps its connection open: closing
  // each as its answer arrives would make the client and the server handle closes mid-burst.
  const results = await Promise.all(answers);
  for (const socket of sockets) socket.destroy();
  return results.map(({ status, at }) => ({ status, ms: at - started }));
}
