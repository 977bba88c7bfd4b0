import { ROUTES } from '../../../functions/routes';
import { grantResourceArn, ROUTE_ACCESS, routeAccess, tableGrants } from '../../../lib/route-access';

const READ_ROUTES = ['GetIntent', 'ListIntents', 'GetBankAccount', 'ListBankAccounts'] as const;

describe('route access', () => {
  it('is derived from every route of the route table and nothing else', () => {
    expect(Object.keys(ROUTE_ACCESS).sort()).toEqual(ROUTES.map((route) => route.id).sort());
    for (const route of ROUTES) expect(routeAccess(route)).toEqual(ROUTE_ACCESS[route.id]);
  });

  it("adds the shared chain's access to a route's own: the API key read, the rate-limit counter", () => {
    for (const route of ROUTES) {
      const { table } = ROUTE_ACCESS[route.id];
      const prefixesOf = (action: string) =>
        table.filter((grant) => grant.actions.includes(action as never)).flatMap((g) => g.keyPrefixes);

      expect(prefixesOf('dynamodb:GetItem')).toContain('API_KEY#');
      expect(prefixesOf('dynamodb:UpdateItem')).toContain('RATE_LIMIT#');
    }
  });

  it('grants one statement per action, its partitions the kinds of item named, each once', () => {
    expect(
      tableGrants({
        get: ['intent', 'bankAccountNumber', 'apiKeyName', 'intent'],
        put: ['idempotencyRecord'],
        update: [],
      }),
    ).toEqual([
      { actions: ['dynamodb:GetItem'], keyPrefixes: ['ACCOUNT#', 'INTENT#'] },
      { actions: ['dynamodb:PutItem'], keyPrefixes: ['IDEMPOTENCY#'] },
    ]);
  });

  it("grants a query of an index on the index, within the index's partitions, for the items it holds only", () => {
    expect(tableGrants({ query: [{ items: 'intent', index: 'accountTimeline' }] })).toEqual([
      { actions: ['dynamodb:Query'], keyPrefixes: ['ACCOUNT#'], index: 'gsi1' },
    ]);
    expect(() => tableGrants({ query: [{ items: 'bankAccount', index: 'accountTimeline' }] })).toThrow(
      'The accountTimeline index holds no bankAccount items',
    );
  });

  it('names key lookups, single-item writes and partition queries only, never a wildcard, scan or batch write', () => {
    for (const access of Object.values(ROUTE_ACCESS)) {
      for (const action of access.table.flatMap((grant) => grant.actions)) {
        expect([
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
        ]).toContain(action);
      }
    }
  });

  it('lets only the Bank Account list read in batches, and Bank Accounts only', () => {
    const batches = Object.entries(ROUTE_ACCESS).flatMap(([routeId, access]) =>
      access.table
        .filter((grant) => grant.actions.includes('dynamodb:BatchGetItem'))
        .map((grant) => ({ routeId, ...grant })),
    );

    expect(batches).toEqual([
      { routeId: 'ListBankAccounts', actions: ['dynamodb:BatchGetItem'], keyPrefixes: ['BANK_ACCOUNT#'] },
    ]);
  });

  it("lets a query reach one account's partition only: the index for intents, the table for Bank Accounts", () => {
    const queries = Object.entries(ROUTE_ACCESS).flatMap(([routeId, access]) =>
      access.table
        .filter((grant) => grant.actions.includes('dynamodb:Query'))
        .map((grant) => ({ routeId, ...grant })),
    );

    expect(queries).toEqual([
      { routeId: 'ListIntents', actions: ['dynamodb:Query'], keyPrefixes: ['ACCOUNT#'], index: 'gsi1' },
      { routeId: 'ListBankAccounts', actions: ['dynamodb:Query'], keyPrefixes: ['ACCOUNT#'] },
    ]);
  });

  it('lets the read routes write nothing but their rate-limit counter', () => {
    for (const routeId of READ_ROUTES) {
      const writes = ROUTE_ACCESS[routeId].table.filter((grant) =>
        grant.actions.some((action) => action === 'dynamodb:PutItem' || action === 'dynamodb:UpdateItem'),
      );

      expect(writes).toEqual([{ actions: ['dynamodb:UpdateItem'], keyPrefixes: ['RATE_LIMIT#'] }]);
    }
  });

  it('gives the Quartz client secrets to create (a decoupled request) and authorize only', () => {
    expect(ROUTE_ACCESS.CreateIntent.readsQuartzClientSecrets).toBe(true);
    expect(ROUTE_ACCESS.AuthorizeIntent.readsQuartzClientSecrets).toBe(true);
    for (const routeId of READ_ROUTES) expect(ROUTE_ACCESS[routeId].readsQuartzClientSecrets).toBe(false);
  });

  it('gives the page-key secret to the one route that answers by page', () => {
    const signing = Object.entries(ROUTE_ACCESS)
      .filter(([, access]) => access.signsPageKeys === true)
      .map(([routeId]) => routeId);

    expect(signing).toEqual(['ListIntents']);
  });

  it("names the index's own ARN for a grant on the index", () => {
    expect(grantResourceArn('arn:table', { actions: ['dynamodb:GetItem'], keyPrefixes: [] })).toBe(
      'arn:table',
    );
    expect(
      grantResourceArn('arn:table', { actions: ['dynamodb:Query'], keyPrefixes: [], index: 'gsi1' }),
    ).toBe('arn:table/index/gsi1');
  });
});
