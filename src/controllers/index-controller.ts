import { Controller, Get, Route, Tags } from '@tsoa/runtime';
import { config } from '../config.js';
import type { ServiceIndex } from '../schemas/links.js';

/** The paths of this server, under PUBLIC_URL when it is set. */
export function serviceIndex(): ServiceIndex {
  const base = config.http.publicUrl ?? '';
  const at = (path: string): string => `${base}${path}`;
  return {
    name: 'Emporium API',
    links: {
      api: at('/api/v1'),
      openapi: at('/openapi.json'),
      docs: at('/docs'),
      redoc: at('/redoc'),
      admin: at('/admin'),
      health: at('/health'),
      ready: at('/ready'),
    },
  };
}

/** The front door. */
@Route('')
@Tags('Operations')
export class IndexController extends Controller {
  /**
   * Where everything is: the API, its OpenAPI document and the two renderings
   * of it, the staff panel and the probes.
   * @summary Links to the API, docs and panel
   */
  @Get('')
  public getIndex(): ServiceIndex {
    return serviceIndex();
  }
}
