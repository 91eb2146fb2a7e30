/** The staff panel on a real port, for requests whose bytes a test controls (fetch, node:http), with os.tmpdir() watched. */
import type { RequestListener } from 'node:http';
import { afterAll, beforeAll, expect } from 'vitest';
import { loadAdminPanel } from '../../src/admin/index.js';
import { STAFF_PASSWORD } from './admin.js';
import { createUser } from './factories.js';
import { serve } from './fuzz.js';
import { watchTmpdir } from './multipart.js';

/** Registers the hooks: the app served and the panel loaded, os.tmpdir() a watched folder of the file's own (watchTmpdir). */
export function useServedPanel(ctx: { app: RequestListener }) {
  const handle = {} as { baseUrl: string; tmp: ReturnType<typeof watchTmpdir> };
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  beforeAll(async () => {
    handle.tmp = watchTmpdir();
    server = await serve(ctx.app);
    handle.baseUrl = server.baseUrl;
    await loadAdminPanel();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    handle.tmp?.restore();
  });
  return handle;
}

/** Makes an admin and signs them in over HTTP at `baseUrl`; their id and the session cookie. */
export async function staffCookie(
  baseUrl: string,
  email = 'boss@shop.test',
): Promise<{ staffId: number; cookie: string }> {
  const staff = await createUser({ email, password: STAFF_PASSWORD, role: 'admin' });
  const login = await fetch(`${baseUrl}/admin/login`, {
    method: 'POST',
    body: new URLSearchParams({ email, password: STAFF_PASSWORD }),
    redirect: 'manual',
  });
  expect(login.status).toBe(302);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { staffId: staff.id, cookie };
}
