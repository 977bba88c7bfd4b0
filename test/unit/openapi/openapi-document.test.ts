import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ROUTES } from '../../../functions/routes';
import { ERROR_ANSWERS, EVERY_ROUTE_ERRORS } from '../../../functions/shared/http/error-answers';
import { derivedFiles } from '../../../scripts/derived-files';
import { API_KEY_SCHEME, openApiDocument } from '../../../scripts/openapi/openapi-document';

const ROOT = path.resolve(__dirname, '../../..');
const document = openApiDocument();

interface Operation {
  operationId: string;
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<
    string,
    {
      content?: Record<string, { schema: Record<string, unknown> }>;
      headers?: Record<string, { required?: boolean }>;
    }
  >;
  security?: Record<string, string[]>[];
}
const operationOf = (method: string, routePath: string) =>
  document.paths?.[routePath]?.[method.toLowerCase() as 'get'] as unknown as Operation;

/** The `message` values an error answer documents, read through its schema. */
const messagesOf = (operation: Operation, status: string): string[] => {
  const schema = operation.responses[status]?.content?.['application/json']?.schema as {
    properties: { message: { enum?: string[] } };
  };
  return schema.properties.message.enum ?? [];
};

describe('the committed files built from the route table', () => {
  it.each(derivedFiles().map((derived) => [derived.file, derived] as const))(
    '%s is as the route table makes it',
    (file, derived) => {
      const committed = readFileSync(path.join(ROOT, file), 'utf8');

      // On failure: `npm run ${derived.command}` rewrites it; commit the result.
      expect({ file, stale: committed !== derived.text, fix: `npm run ${derived.command}` }).toEqual({
        file,
        stale: false,
        fix: `npm run ${derived.command}`,
      });
    },
  );
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with one operation per route, named by the route id, and no other', () => {
    const operations = Object.entries(document.paths ?? {}).flatMap(([routePath, item]) =>
      Object.entries(item as Record<string, Operation>).map(
        ([method, operation]) => `${method.toUpperCase()} ${routePath} ${operation.operationId}`,
      ),
    );

    expect(document.openapi).toBe('3.1.0');
    expect(operations.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path} ${r.id}`).sort());
  });

  it('takes the X-Api-Key header as the security of every operation', () => {
    expect(document.components?.securitySchemes?.[API_KEY_SCHEME]).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-Api-Key',
    });
    for (const route of ROUTES)
      expect(operationOf(route.method, route.path).security).toEqual([{ [API_KEY_SCHEME]: [] }]);
  });

  it.each(ROUTES.map((route) => [route.id, route] as const))(
    '%s: every path parameter is required, the query is its own, a body only where one is taken',
    (_id, route) => {
      const operation = operationOf(route.method, route.path);
      const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);

      const inPath = (operation.parameters ?? []).filter((p) => p.in === 'path');
      expect(inPath.map((p) => p.name)).toEqual(names);
      expect(inPath.every((p) => p.required === true)).toBe(true);
      const inQuery = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect(inQuery).toEqual(Object.keys(route.request.query?.shape ?? {}));
      expect(operation.requestBody?.required === true).toBe(route.request.body !== undefined);
    },
  );

  it.each(ROUTES.map((route) => [route.id, route] as const))(
    "%s: answers 200, 400 and each error of its own and every route's, with the codes as `message`",
    (_id, route) => {
      const operation = operationOf(route.method, route.path);
      const errors = [...EVERY_ROUTE_ERRORS, ...route.errors];
      const statuses = new Set([
        '200',
        '400',
        ...errors.map((message) => String(ERROR_ANSWERS[message].status)),
      ]);

      expect(Object.keys(operation.responses).sort()).toEqual([...statuses].sort());
      for (const message of errors)
        expect(messagesOf(operation, String(ERROR_ANSWERS[message].status))).toContain(message);
      expect(messagesOf(operation, '400')).toEqual([]);
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(response.headers?.['X-Request-Id']?.required).toBe(true);
        const retryAfter = response.headers?.['Retry-After']?.required === true;
        expect([status, retryAfter]).toEqual([
          status,
          status === '429' || status.startsWith('50') ? status !== '500' : false,
        ]);
      }
    },
  );

  it('writes the rules a schema cannot say into the descriptions', () => {
    const text = JSON.stringify(document);

    expect(text).toContain('Required when `type` is `quartz-payment`');
    expect(text).toContain('`pageKey is invalid`');
    expect(text).toContain('IDEMPOTENT_REQUEST_IN_PROGRESS');
    expect(text).toContain('Seconds after which a retry makes sense.');
  });

  it('holds schemas a JSON Schema 2020-12 validator compiles in strict mode, OpenAPI keywords aside', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    ajv.addKeyword('example');
    ajv.addSchema({ $id: 'components', $defs: {} });
    const schemas = document.components?.schemas ?? {};
    const inline = (schema: unknown): unknown =>
      JSON.parse(
        JSON.stringify(schema).replace(/"#\/components\/schemas\/([^"]+)"/g, (_, name: string) =>
          JSON.stringify(`#/$defs/${name}`),
        ),
      );
    const compile = (schema: unknown) =>
      ajv.compile({ ...(inline(schema) as object), $defs: inline(schemas) as Record<string, unknown> });

    for (const route of ROUTES) {
      for (const response of Object.values(operationOf(route.method, route.path).responses)) {
        const schema = response.content?.['application/json']?.schema;
        if (schema) expect(() => compile(schema)).not.toThrow();
      }
    }
  });
});
