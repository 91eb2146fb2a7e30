/**
 * API documentation, all served from this process (no CDN): the tsoa spec at
 * /openapi.json, Swagger UI at /docs and ReDoc at /redoc.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { config } from '../config.js';
import generated from '../generated/openapi.json' with { type: 'json' };

/** The spec as served: its `servers` entry is this deployment's PUBLIC_URL when one is set. */
const spec = config.http.publicUrl
  ? {
      ...generated,
      servers: [{ url: config.http.publicUrl, description: `This ${config.env} server`, 'x-internal': false }],
    }
  : generated;

const require = createRequire(import.meta.url);
/**
 * ReDoc's bundle draws a "powered by" logo fetched from cdn.redoc.ly, which
 * the docs CSP (own origin only) blocks with a console error on every visit.
 * The bundle is served with that one address pointed at a logo served here.
 */
const redocBundle = readFileSync(require.resolve('redoc/bundles/redoc.standalone.js'), 'utf8').replace(
  'https://cdn.redoc.ly/redoc/logo-mini.svg',
  '/redoc/logo.svg',
);
const redocLogo = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#d11"/></svg>`;

const specJson = JSON.stringify(spec);
const specEtag = `"${createHash('sha1').update(specJson).digest('base64url')}"`;

const redocPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Emporium API — ReDoc</title>
  <style>body { margin: 0; padding: 0; }</style>
</head>
<body>
  <div id="redoc"></div>
  <script src="/redoc/redoc.standalone.js"></script>
  <script src="/redoc/init.js"></script>
</body>
</html>`;

// External script (not inline) so the strict CSP holds.
const redocInit = `Redoc.init('/openapi.json', { hideDownloadButton: false, expandResponses: '200,201' }, document.getElementById('redoc'));`;

/** Routes for /openapi.json, /docs and /redoc. */
export function docsRouter(): Router {
  const router = Router();
  router.get('/openapi.json', (req, res) => {
    res.set({ ETag: specEtag, 'Cache-Control': 'no-cache' });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(specJson);
  });
  router.use(
    '/docs',
    swaggerUi.serve,
    swaggerUi.setup(spec, {
      customSiteTitle: 'Emporium API — Swagger UI',
      swaggerOptions: { persistAuthorization: true, displayRequestDuration: true, validatorUrl: null },
    }),
  );
  // Browsers ask for it on every docs page; answer without a 404 in the logs.
  router.get('/favicon.ico', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').status(204).end();
  });
  router.get('/redoc', (_req, res) => {
    res.type('html').send(redocPage);
  });
  router.get('/redoc/init.js', (_req, res) => {
    res.type('application/javascript').send(redocInit);
  });
  router.get('/redoc/redoc.standalone.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').type('application/javascript').send(redocBundle);
  });
  router.get('/redoc/logo.svg', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').type('image/svg+xml').send(redocLogo);
  });
  return router;
}
