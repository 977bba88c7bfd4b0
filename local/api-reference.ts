import type { Route } from '../functions/routes';
import { openApiDocument } from '../scripts/openapi/openapi-document';
import { referencePage } from '../scripts/openapi/reference-page';
import type { LocalPage } from './local-api';

export const OPENAPI_PATH = '/openapi.json';
export const REFERENCE_PATH = '/docs';

/**
 * The API's OpenAPI document (`GET /openapi.json`) and a readable reference rendered from it
 * (`GET /docs`), both built once from the route table the local API serves. Not part of the API:
 * API Gateway serves neither.
 */
export function apiReferencePages(routes: readonly Route[]): LocalPage {
  const document = openApiDocument(routes);
  const json = `${JSON.stringify(document, null, 2)}\n`;
  const html = referencePage(document);
  return async (request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://local');
    if (request.method !== 'GET' || (pathname !== OPENAPI_PATH && pathname !== REFERENCE_PATH)) return false;
    const [type, body] =
      pathname === OPENAPI_PATH ? ['application/json', json] : ['text/html; charset=utf-8', html];
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(body);
    return true;
  };
}
