/**
 * A URL or path of this server, e.g. "/docs" (absolute when PUBLIC_URL is set).
 * @maxLength 2048
 * @pattern ^(https?://[^\s]+)?/[^\s]*$
 * @example "/docs"
 */
export type Link = string;

/**
 * Where everything is, the answer of `GET /`: the shop API's base path, the
 * OpenAPI document (generate clients from it), Swagger UI, ReDoc, the staff
 * panel, and the liveness and readiness probes.
 */
export interface ServiceIndex {
  /** @example "Emporium API" */
  name: 'Emporium API';
  links: {
    api: Link;
    openapi: Link;
    docs: Link;
    redoc: Link;
    admin: Link;
    health: Link;
    ready: Link;
  };
}
