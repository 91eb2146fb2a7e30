/** inSequence (src/app.ts): several middlewares as one Express layer, with Express's order and error rules. */
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { inSequence } from '../src/app.js';

/** An app whose /api runs `handlers` in sequence, then answers with what they recorded; errors become 500 text. */
function appWith(...handlers: RequestHandler[]) {
  const app = express();
  app.use('/api', inSequence(...handlers));
  app.get('/api/thing', (req, res) => {
    res.json({ seen: (req as { seen?: string[] }).seen ?? [], url: req.url });
  });
  app.use(((error, _req, res, _next) => {
    res
      .status(500)
      .type('text')
      .send((error as Error).message);
  }) as express.ErrorRequestHandler);
  return app;
}

const record =
  (name: string): RequestHandler =>
  (req, _res, next) => {
    const holder = req as { seen?: string[]; url: string };
    (holder.seen ??= []).push(`${name}:${holder.url}`);
    next();
  };

describe('inSequence', () => {
  it('runs every handler in order, with the mount prefix stripped as for any layer, then the route with it back', async () => {
    const res = await request(appWith(record('a'), record('b'), record('c')))
      .get('/api/thing')
      .expect(200);
    expect(res.body).toEqual({ seen: ['a:/thing', 'b:/thing', 'c:/thing'], url: '/api/thing' });
  });

  it('skips the rest when a handler passes an error on, or throws, or throws from a later event', async () => {
    const fail: RequestHandler = (_req, _res, next) => next(new Error('passed on'));
    const toss: RequestHandler = () => {
      throw new Error('thrown');
    };
    // Runs `next` from a timer (as a body parser does from a stream event); the next handler then throws.
    const later: RequestHandler = (_req, _res, next) => void setTimeout(next, 1);
    const never = record('never');

    expect(
      (
        await request(appWith(record('a'), fail, never))
          .get('/api/thing')
          .expect(500)
      ).text,
    ).toBe('passed on');
    expect((await request(appWith(toss, never)).get('/api/thing').expect(500)).text).toBe('thrown');
    expect(
      (
        await request(appWith(later, toss, never))
          .get('/api/thing')
          .expect(500)
      ).text,
    ).toBe('thrown');
  });
});
