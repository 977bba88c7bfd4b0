import path from 'node:path';
import { stop } from 'esbuild';
import { ROUTES } from '../../../functions/routes';
import { bundleFunction, functionFolders, packageName } from '../../../scripts/bundle-contents';

const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Eight esbuild runs on a busy machine. */
const BUNDLE_TIMEOUT_MS = 120_000;

/** The functions that call the bank: create (its authorization URL, and a decoupled start) and authorize. */
const BANK_CALLERS = ['authorize', 'create'];
/**
 * The functions that read a secret: a bank caller's client secret (authorize; create once it starts
 * decoupled authorizations) and the page-key secret (the routes that answer by page).
 */
const SECRET_READERS = [
  ...BANK_CALLERS,
  ...ROUTES.filter((route) => route.signsPageKeys || route.readsQuartzClientSecrets).map(
    (route) => route.handlerDir,
  ),
];

let packagesOf: Map<string, Set<string>>;
beforeAll(async () => {
  const bundles = await Promise.all(functionFolders(ROOT).map((folder) => bundleFunction(ROOT, folder)));
  packagesOf = new Map(
    bundles.map((bundle) => [bundle.handlerDir, new Set(bundle.packages.map(({ name }) => name))]),
  );
}, BUNDLE_TIMEOUT_MS);
// esbuild's JS API keeps a service process for later builds: none come.
afterAll(() => stop());

const holding = (name: string) =>
  [...packagesOf].filter(([, packages]) => packages.has(name)).map(([folder]) => folder);

describe('function bundles, as the stack builds them (esbuild metafile)', () => {
  it('are one per function of the stack: every route, the expiry sweeper and the publisher of events', () => {
    expect([...packagesOf.keys()].sort()).toEqual(
      [...ROUTES.map((route) => route.handlerDir), 'expire-intents', 'publish-events'].sort(),
    );
  });

  it('hold the OAuth client only where the function calls the bank: no read route, sweeper or publisher', () => {
    expect(holding('oauth4webapi').sort()).toEqual([...BANK_CALLERS].sort());
  });

  it('hold the Secrets Manager client only where the function reads a secret', () => {
    expect(holding('@aws-sdk/client-secrets-manager').sort()).toEqual([...new Set(SECRET_READERS)].sort());
    for (const folder of ['get-intent', 'get-bank-account', 'list-bank-accounts', 'expire-intents']) {
      expect(packagesOf.get(folder)?.has('@aws-sdk/client-secrets-manager')).toBe(false);
    }
  });

  it('hold the client of the AWS service each function calls, and no other', () => {
    expect(holding('@aws-sdk/client-eventbridge')).toEqual(['publish-events']);
    expect(holding('@aws-sdk/client-dynamodb').sort()).toEqual(
      [...packagesOf.keys()].filter((folder) => folder !== 'publish-events').sort(),
    );
  });
});

describe('packageName', () => {
  it('names the innermost package of a path, scoped or not, and the service for its own code', () => {
    expect(packageName('node_modules/oauth4webapi/build/index.js')).toBe('oauth4webapi');
    expect(packageName('node_modules/@aws-sdk/client-secrets-manager/dist-es/index.js')).toBe(
      '@aws-sdk/client-secrets-manager',
    );
    expect(packageName('node_modules/@aws-sdk/core/node_modules/@smithy/core/dist-es/x.js')).toBe(
      '@smithy/core',
    );
    expect(packageName('functions/create/handler.ts')).toBe('(service)');
  });
});
