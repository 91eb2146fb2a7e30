/**
 * A TCP proxy (node:net) between the app and PostgreSQL or Redis that
 * watches how each connection ends: when each side closed it, and the last
 * bytes the app sent (PostgreSQL's Terminate message, Redis's QUIT
 * show a polite close rather than a process that just died).
 */
import { createServer, type Server, type Socket, connect } from 'node:net';
import { defer } from './cleanup.js';
import { now } from './util.js';

/** One proxied connection. */
export interface Proxied {
  openedAt: number;
  /** When the app's side ended (FIN or close). */
  appClosedAt?: number;
  /** When the server's side ended. */
  serverClosedAt?: number;
  /** The last bytes the app wrote (up to 256). */
  tail: Buffer;
}

/** A proxy listening on a free port, forwarding to `targetPort`. */
export class TcpProxy {
  readonly connections: Proxied[] = [];
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Starts a proxy to 127.0.0.1:`targetPort`; closed at cleanup. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    server.on('connection', (app) => proxy.pipe(app, targetPort));
    defer(`close proxy :${proxy.port}`, () => proxy.close());
    return proxy;
  }

  private pipe(app: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    const entry: Proxied = { openedAt: now(), tail: Buffer.alloc(0) };
    this.connections.push(entry);
    this.sockets.add(app).add(upstream);
    app.on('data', (chunk: Buffer) => {
      entry.tail = Buffer.concat([entry.tail, chunk]).subarray(-256);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => app.write(chunk));
    const appGone = () => {
      entry.appClosedAt ??= now();
      upstream.end();
    };
    const serverGone = () => {
      entry.serverClosedAt ??= now();
      app.end();
    };
    app
      .on('end', appGone)
      .on('close', appGone)
      .on('error', () => upstream.destroy());
    upstream
      .on('end', serverGone)
      .on('close', serverGone)
      .on('error', () => app.destroy());
    app.on('close', () => this.sockets.delete(app));
    upstream.on('close', () => this.sockets.delete(upstream));
  }

  /** Connections that were open at `instant`. */
  openAt(instant: number): Proxied[] {
    return this.connections.filter((c) => c.openedAt <= instant && (c.appClosedAt ?? Infinity) > instant);
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** PostgreSQL's Terminate message: 'X' and length 4. */
export const endsWithPgTerminate = (tail: Buffer): boolean =>
  tail.length >= 5 && tail.subarray(-5).equals(Buffer.from([0x58, 0, 0, 0, 4]));

/** The app's last Redis command was QUIT. */
export const endsWithRedisQuit = (tail: Buffer): boolean => /quit\r\n$/i.test(tail.toString('latin1'));

/**
 * The app's last Redis command was a blocking wait for jobs (BullMQ's BZPOPMIN). A QUIT there
 * would wait for the wait to time out, so BullMQ's close ends that one connection by disconnecting.
 */
export const endsInJobWait = (tail: Buffer): boolean => /bzpopmin/i.test(tail.toString('latin1'));
