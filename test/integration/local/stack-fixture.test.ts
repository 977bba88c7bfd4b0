import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROUTES } from '../../../functions/routes';
import { ENGINE_VARIABLE } from '../../../local/local-dynamodb';
import { openApiDocument } from '../../../scripts/openapi/openapi-document';
import { useLocalStack } from '../../support/use-local-stack';

const local = useLocalStack();

describe('the local stack a test fixture hands out', () => {
  it('runs on the engine the test setup chose (DynamoDB Local where Java is installed)', () => {
    expect(process.env[ENGINE_VARIABLE]).toMatch(/^(dynalite|dynamodb-local)$/);

    expect(local.stack.dynamoEngine).toBe(process.env[ENGINE_VARIABLE]);
  });

  it('has every handler bundled and loaded when it is handed out', async () => {
    const bundles = ROUTES.map((route) => local.stack.handlerBundles[route.id] ?? '');
    expect(bundles.every((file) => existsSync(file))).toBe(true);
    // Every route's bundle lies in the stack's build folder, <build folder>/<handler dir>/handler.mjs.
    const buildDirs = [...new Set(bundles.map((file) => path.dirname(path.dirname(file))))];
    expect(buildDirs).toHaveLength(1);
    const [buildDir = ''] = buildDirs;
    // Left unusable: a handler bundled or loaded on its first request would fail there (a 500).
    rmSync(buildDir, { recursive: true, force: true });
    writeFileSync(buildDir, 'not a folder');

    const created = await local.api.createIntent({
      accountId: local.stack.accountId,
      type: 'quartz-accounts',
      test: true,
    });
    const authorized = await local.api.authorize('3KVjuKW2CZCJeJVqPxwkX7', 'a-code');

    expect(created).toMatchObject({ status: 200, body: { status: 'created' } });
    expect(authorized).toMatchObject({ status: 403, body: { message: 'Forbidden' } });
  });

  it('serves the OpenAPI document of its routes and the reference page rendered from it', async () => {
    const document = await fetch(`${local.stack.apiUrl}/openapi.json`);
    const reference = await fetch(`${local.stack.apiUrl}/docs`);

    expect(document.status).toBe(200);
    expect(document.headers.get('content-type')).toBe('application/json');
    expect(await document.json()).toEqual(openApiDocument());
    expect(reference.status).toBe(200);
    expect(reference.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await reference.text();
    for (const route of ROUTES) expect(html).toContain(`<code>${route.path}</code>`);
  });
});
