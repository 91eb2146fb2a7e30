/**
 * Graceful shutdown of the real server process: on SIGTERM it stops
 * accepting connections, finishes the request already in flight, closes
 * PostgreSQL and Redis and exits 0.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from './support/server-process.js';

let server: ServerProcess | undefined;
afterEach(() => {
  server?.child.kill('SIGKILL');
  server = undefined;
});

const opened = (port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });

const waitForLog = async (target: ServerProcess, msg: string): Promise<void> => {
  for (let i = 0; i < 100 && !target.logs.some((entry) => entry.msg === msg); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(target.logs.map((entry) => entry.msg)).toContain(msg);
};

describe('SIGTERM', () => {
  it('finishes an in-flight request, refuses new connections, closes dependencies and exits 0', async () => {
    server = await startServer();
    const { port } = server;

    // A request whose body is still arriving when the signal comes.
    const body = JSON.stringify({ slow: 'body' });
    const socket = await opened(port);
    let response = '';
    socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      `POST /api/v1/no-such-route HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    server.child.kill('SIGTERM');
    await waitForLog(server, 'shutting down: draining in-flight requests');

    // The listener is closed: nobody new gets in.
    await expect(opened(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    // The in-flight request still gets its complete answer.
    socket.write(body.slice(5));
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(response).toMatch(/\r\nConnection: close\r\n/i);
    expect(response).toContain('"status":404');

    expect(await server.exited).toBe(0);
    expect(server.logs.map((entry) => entry.msg)).toContain('shutdown complete');
    expect(server.stderr()).toBe('');
  });

  it('still answers a request sent on an idle keep-alive connection just after the signal', async () => {
    server = await startServer();
    const socket = await opened(server.port);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const ask = () => socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');

    ask();
    for (let i = 0; i < 50 && !received.includes('"status":"ok"'); i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(received).toMatch(/Connection: keep-alive/i);
    received = '';

    // The connection is idle when the signal comes; the client's next request is already on its way.
    server.child.kill('SIGTERM');
    await waitForLog(server, 'shutting down: draining in-flight requests');
    ask();
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received).toMatch(/\r\nConnection: close\r\n/i);
    expect(await server.exited).toBe(0);
  });

  it('exits 0 promptly when idle', async () => {
    server = await startServer();
    const started = performance.now();
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
