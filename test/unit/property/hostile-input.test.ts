import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as fc from 'fast-check';
import { ROUTES } from '../../../functions/routes';
import { batchedRateLimits } from '../../../functions/shared/container-caches';
import type { ApiHandlerOptions } from '../../../functions/shared/http/api-handler';
import { RateLimitRepository } from '../../../functions/shared/repository/rate-limit-repository';
import { bankAccountNumberKey, intentTimelineKey } from '../../../functions/shared/repository/table-keys';
import { buildServices, type Services } from '../../../functions/shared/services';
import { FakeQuartz } from '../../support/fake-quartz';
import {
  ACCOUNT_ID,
  apiKey,
  apiKeyItem,
  bankAccount,
  bankAccountItem,
  DISABLED_SECRET,
  intent,
  intentItem,
  lambdaContext,
  OTHER_ACCOUNT_ID,
  OWNER_SECRET,
  TERMINAL_SECRET,
  testConfig,
} from '../../support/fixtures';
import { ManualClock } from '../../support/handler-harness';
import {
  contractViolations,
  expectFromFunction,
  functionInputOf,
  writeViolations,
} from '../../support/hostile-oracle';
import {
  hostileRequests,
  propertyParameters,
  ROUTE_CONTRACTS,
  type RouteId,
  type World,
} from '../../support/hostile-requests';
import { answerOf, toApiEvent } from '../../support/hostile-transports';
import { openApiValidator } from '../../support/openapi-validator';
import { RecordingTable } from '../../support/recording-table';

/** The issue asks for at least 10,000 generated requests per route through the real middy chain. */
const RUNS_PER_ROUTE = 10_000;

const OTHER_OWNER_SECRET = 'other-owner-secret-0123456789';

const world: World = {
  accounts: [
    {
      accountId: ACCOUNT_ID,
      ownerKey: OWNER_SECRET,
      intentId: '3KVjuKW2CZCJeJVqPxwkX7',
      bankAccountIds: { live: 'Bnk1111111111111111111', test: 'Bnk2222222222222222222' },
    },
    {
      accountId: OTHER_ACCOUNT_ID,
      ownerKey: OTHER_OWNER_SECRET,
      intentId: '4LWkvLX3DaDKfKWrqQyxY8',
      bankAccountIds: { live: 'Bnk3333333333333333333', test: 'Bnk4444444444444444444' },
    },
  ],
  terminalKey: TERMINAL_SECRET,
  disabledKey: DISABLED_SECRET,
};

/**
 * The table every run starts from: the keys, and an intent (listed under its account) and two Bank
 * Accounts (with their number items, which list them) per account.
 */
const worldItems: Record<string, unknown>[] = [
  apiKeyItem(apiKey({ secret: OWNER_SECRET })),
  apiKeyItem(apiKey({ secret: OTHER_OWNER_SECRET, accountId: OTHER_ACCOUNT_ID })),
  apiKeyItem(apiKey({ secret: TERMINAL_SECRET, name: 'Till', role: 'merchant-terminal' })),
  apiKeyItem(apiKey({ secret: DISABLED_SECRET, name: 'Old', enabled: false })),
  ...world.accounts.flatMap((account) => {
    const stored = intent({ id: account.intentId, accountId: account.accountId });
    const bankAccounts = [
      bankAccount({ id: account.bankAccountIds.live, accountId: account.accountId }),
      bankAccount({
        id: account.bankAccountIds.test,
        accountId: account.accountId,
        accountNumber: '12-3456-7890123-99',
        test: true,
      }),
    ];
    return [
      { ...intentItem(stored), ...intentTimelineKey(stored) },
      ...bankAccounts.flatMap((value) => [
        bankAccountItem(value),
        {
          ...bankAccountNumberKey(value.accountId, value.test === true, value.accountNumber),
          bankAccountId: value.id,
        },
      ]),
    ];
  }),
];

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>;

/** The route's handler module, found through the route table as the stack and the local API find it. */
async function buildRouteHandler(routeId: RouteId, services: Services): Promise<ProxyHandler> {
  const route = ROUTES.find((candidate) => candidate.id === routeId);
  const module = (await import(`../../../functions/${route?.handlerDir}/handler`)) as {
    buildHandler: (options?: ApiHandlerOptions) => ProxyHandler;
  };
  return module.buildHandler({ services: () => services });
}

/**
 * Cases every route's run must have met this often (about a third of what the generators give),
 * so that a generator that drifts, or a route whose valid requests stop succeeding, is noticed.
 */
const AT_LEAST_EVERY_ROUTE: Record<string, number> = {
  'valid 200': 600,
  valid: 200,
  '400 too large': 100,
  '401 missing key': 120,
  '401 invalid key': 300,
  '403 role': 100,
  '429': 140,
  ...Object.fromEntries(
    [
      'valid',
      'mutated',
      'json-value',
      'deep',
      'huge',
      'not-json',
      'none',
      'binary',
      'invalid-utf8',
      'base64',
      'base64-garbage',
    ].map((kind) => [`body ${kind}`, 90]),
  ),
};
/** The cases of a route that takes a JSON body. */
const AT_LEAST_WITH_BODY: Record<string, number> = {
  '400 schema': 450,
  '400 not JSON': 250,
  '400 content type': 400,
  '400 __proto__': 120,
};
/** The cases of a route that takes none (a GET) and reads its query string instead. */
const AT_LEAST_WITHOUT_BODY: Record<string, number> = {
  '400 body not allowed': 1500,
  '400 query': 100,
};

const atLeast = (routeId: RouteId): Record<string, number> => ({
  ...AT_LEAST_EVERY_ROUTE,
  ...(ROUTE_CONTRACTS[routeId].bodySchema ? AT_LEAST_WITH_BODY : AT_LEAST_WITHOUT_BODY),
  // A route that pages is sent page keys it never signed.
  ...(ROUTE_CONTRACTS[routeId].querySchema?.safeParse({ pageKey: 'x' }).success
    ? { '400 page key': 15 }
    : {}),
});

describe.each(ROUTES.map((route) => route.id))('hostile input, %s, through the middy chain', (routeId) => {
  it(`answers ${RUNS_PER_ROUTE} generated requests in the contract's shape, never 5xx, writing only for valid ones`, async () => {
    const table = new RecordingTable();
    const quartz = new FakeQuartz();
    const clock = new ManualClock();
    const services: Services = {
      ...buildServices(testConfig, { dynamo: table.client, fetch: quartz.fetch }),
      clock,
      sleep: clock.sleep,
    };
    const handler = await buildRouteHandler(routeId, services);
    const validator = openApiValidator();
    const seen = new Map<string, number>();
    let runs = 0;

    await fc.assert(
      fc.asyncProperty(hostileRequests(routeId, world, 'event'), async (request) => {
        runs += 1;
        const requestId = `req-${runs}`;
        table.reset(worldItems, { limitReached: request.rateLimited });
        // Each run is a new container to the rate limit: its first counted request takes a batch
        // from the counter (the one counter write the oracle expects), and a full counter is a 429.
        services.rateLimits = batchedRateLimits(
          new RateLimitRepository({ client: table.client, tableName: testConfig.tableName }),
        );
        const event = toApiEvent(request, requestId);
        const expectation = expectFromFunction(request, world, functionInputOf(event), { fresh: true });

        const result = (await handler(event, lambdaContext())) as APIGatewayProxyResult;

        const answer = answerOf(result);
        const problems = [
          ...contractViolations(request, answer, expectation, requestId),
          ...validator.violationsOf(routeId, answer),
          ...writeViolations(table.writes(), expectation),
        ];
        if (problems.length) throw new Error(problems.join('\n'));
        for (const label of [expectation.label, `body ${request.bodyKind}`])
          seen.set(label, (seen.get(label) ?? 0) + 1);
      }),
      propertyParameters(RUNS_PER_ROUTE),
    );

    // Replaying one counterexample (FC_PATH) runs it alone: nothing to count.
    if (process.env.FC_PATH) return;
    expect(runs).toBeGreaterThanOrEqual(RUNS_PER_ROUTE);
    const rare = Object.entries(atLeast(routeId))
      .filter(([label, minimum]) => (seen.get(label) ?? 0) < minimum)
      .map(([label, minimum]) => `${label}: ${seen.get(label) ?? 0} of at least ${minimum}`);
    expect(rare).toEqual([]);
  }, 600_000);
});
