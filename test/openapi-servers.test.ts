/**
 * The served spec names this deployment in `servers` when PUBLIC_URL is set
 * (the file on disk, and a deployment without it, say "/"), and GET / links
 * under it.
 */
import request from 'supertest';
import { expect, it } from 'vitest';

process.env.PUBLIC_URL = 'https://shop.example.com/';
const { createApp } = await import('../src/app.js');
const { default: onDisk } = await import('../src/generated/openapi.json', { with: { type: 'json' } });

it('serves PUBLIC_URL (without its trailing slash) as the only server', async () => {
  const res = await request(createApp()).get('/openapi.json').expect(200);
  expect(res.body.servers).toEqual([
    { url: 'https://shop.example.com', description: 'This test server', 'x-internal': false },
  ]);
  expect(onDisk.servers).toEqual([expect.objectContaining({ url: '/', 'x-internal': false })]);
  expect(res.body.paths).toEqual(onDisk.paths);
});

it('answers GET / with absolute links under PUBLIC_URL', async () => {
  const res = await request(createApp()).get('/').expect(200);
  expect(res.body.links).toMatchObject({
    api: 'https://shop.example.com/api/v1',
    docs: 'https://shop.example.com/docs',
  });
});
