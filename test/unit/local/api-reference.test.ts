import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROUTES } from '../../../functions/routes';
import { ERROR_ANSWERS, EVERY_ROUTE_ERRORS } from '../../../functions/shared/http/error-answers';
import { apiReferencePages } from '../../../local/api-reference';
import { createLocalApi } from '../../../local/local-api';
import { openApiDocument } from '../../../scripts/openapi/openapi-document';
import { markdown } from '../../../scripts/openapi/reference-page';

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  // No route handlers: the pages answer before any route is matched.
  server = createLocalApi({ routes: [], handlers: {}, pages: [apiReferencePages(ROUTES)] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the API reference of the local API', () => {
  it('serves the OpenAPI document at GET /openapi.json', async () => {
    const response = await fetch(`${baseUrl}/openapi.json`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual(openApiDocument(ROUTES));
  });

  describe('GET /docs', () => {
    let html: string;
    beforeAll(async () => {
      const response = await fetch(`${baseUrl}/docs`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      html = await response.text();
    });

    it('is self-contained: no script, stylesheet, image or font from anywhere', () => {
      expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|@import|url\(/i);
      const links = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]);
      expect(links.every((link) => link === 'openapi.json' || link?.startsWith('#'))).toBe(true);
    });

    it.each(ROUTES.map((route) => [route.id, route] as const))(
      'lists %s: method, path, parameters, body fields, and every answer with its codes',
      (id, route) => {
        const section = html.slice(html.indexOf(`<section class="operation" id="${id}">`));
        const own = section.slice(0, section.indexOf('</section>'));

        expect(own).toContain(`${route.method}</span> <code>${route.path}</code>`);
        for (const name of Object.keys(route.request.path.shape))
          expect(own).toContain(`<code>${name}</code>`);
        for (const name of Object.keys(route.request.query?.shape ?? {}))
          expect(own).toContain(`<code>${name}</code>`);
        const body = route.request.body as { shape?: Record<string, unknown> } | undefined;
        for (const name of Object.keys(body?.shape ?? {})) expect(own).toContain(`<code>${name}</code>`);
        for (const message of [...EVERY_ROUTE_ERRORS, ...route.errors]) {
          expect(own).toContain(
            `<span class="status s${String(ERROR_ANSWERS[message].status).charAt(0)}">${ERROR_ANSWERS[message].status}</span>`,
          );
          expect(own).toContain(`<code>${message}</code>`);
        }
        expect(own).toContain('<span class="status s2">200</span>');
        expect(own).toContain('<span class="status s4">400</span>');
      },
    );

    it('tells the unknown-route 404 apart from the operations', () => {
      expect(html).toContain('<h3>Any other path or method</h3>');
    });
  });

  it('leaves every other request to the API (an unknown route is its 404)', async () => {
    const response = await fetch(`${baseUrl}/docs`, { method: 'POST' });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404, message: 'Not Found' });
  });
});

describe('the descriptions as HTML', () => {
  it('escapes text and renders paragraphs, lists and code', () => {
    expect(markdown('a `<b>` c\n\n- one\n- `two`')).toBe(
      '<p>a <code>&#60;b&#62;</code> c</p>\n<ul><li>one</li><li><code>two</code></li></ul>',
    );
  });
});
