/**
 * Debian's nginx as the load balancer in front of app instances, on a free
 * port with its own prefix under /tmp (no system config, no root paths).
 * Upstreams are tried in turn: a refused or reset connection, or a 502/503
 * from an instance, moves the request to the next one (GET and POST alike:
 * nginx retries a POST only when nothing was sent yet, so a checkout is
 * never sent twice by the balancer).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defer, track } from './cleanup.js';
import { request } from './http.js';
import { freePort, tempDir, waitFor } from './util.js';

/** A running nginx balancing over `upstreams` (ports on 127.0.0.1). */
export class Nginx {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** Starts nginx on a free port in front of the instances listening on `upstreams`. */
  static async start(upstreams: number[]): Promise<Nginx> {
    const nginx = new Nginx(await freePort(), tempDir('nginx'));
    writeFileSync(join(nginx.dir, 'nginx.conf'), nginx.config(upstreams));
    const child = spawn('nginx', ['-p', nginx.dir, '-c', 'nginx.conf', '-e', join(nginx.dir, 'error.log')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    nginx.child = child;
    track(child);
    defer(`stop nginx :${nginx.port}`, () => nginx.stop());
    const up = await waitFor(
      async () => (await request(nginx.base, '/health', { timeoutMs: 1_000 })).status === 200,
      10_000,
    );
    if (up === undefined) throw new Error(`nginx :${nginx.port} did not answer /health within 10 s`);
    return nginx;
  }

  /** http://127.0.0.1:<port> */
  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private config(upstreams: number[]): string {
    const servers = upstreams.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=2s;`).join('\n');
    return `daemon off;
master_process off;
worker_processes 1;
pid ${join(this.dir, 'nginx.pid')};
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(this.dir, 'body')};
  proxy_temp_path ${join(this.dir, 'proxy')};
  fastcgi_temp_path ${join(this.dir, 'fastcgi')};
  uwsgi_temp_path ${join(this.dir, 'uwsgi')};
  scgi_temp_path ${join(this.dir, 'scgi')};
  upstream emporium {
${servers}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${this.port};
    location / {
      proxy_pass http://emporium;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host:$server_port;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Host $host:$server_port;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
    }
  }
}
`;
  }

  /** Stops nginx (SIGQUIT: finish what is in flight) and waits for it. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGQUIT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
