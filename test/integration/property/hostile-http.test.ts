import * as fc from 'fast-check';
import { ROUTES } from '../../../functions/routes';
import {
  contractViolations,
  expectOverHttp,
  GATEWAY_QUOTA_LABEL,
  requestTarget,
} from '../../support/hostile-oracle';
import { pathParameterNames } from '../../support/hostile-paths';
import {
  type HostileRequest,
  hostileRequests,
  propertyParameters,
  ROUTE_CONTRACTS,
  type RouteContract,
  type RouteId,
  routeById,
  type World,
  withSummary,
} from '../../support/hostile-requests';
import { closeHttpConnections, sendOverHttp } from '../../support/hostile-transports';
import { changedItems, hostileWorld, tableSnapshots } from '../../support/hostile-world';
import { openApiValidator } from '../../support/openapi-validator';
import { useLocalStack } from '../../support/use-local-stack';

/**
 * The HTTP share of the hostile-input suite: a few hundred requests per route over real HTTP to the
 * local API (raw paths, header spellings and repeats as sent), the bundled handlers behind it and
 * dynalite, no mocks. The in-process suite sends the ten thousands.
 */
const RUNS_PER_ROUTE = 300;

const local = useLocalStack();
let world: World;

beforeAll(async () => {
  world = await hostileWorld(local.stack);
}, 60_000);
afterAll(() => closeHttpConnections());

/** The issue's own cases, run first on every route with a path parameter: each must answer 400. */
function malformedPathExamples(routeId: RouteId): [HostileRequest][] {
  const names = pathParameterNames(routeById(routeId));
  const [caller] = world.accounts;
  if (names.length === 0 || !caller) return [];
  const contract: RouteContract = ROUTE_CONTRACTS[routeId];
  const [valid] = fc.sample(contract.valid(caller), { seed: 1, numRuns: 1 });
  const route = routeById(routeId);
  return ['%E0%A4%A', '%'].map((raw) => [
    withSummary({
      routeId,
      method: route.method,
      caller,
      pathParameters: Object.fromEntries(names.map((name) => [name, { raw, value: undefined }])),
      query: [],
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Api-Key', caller.ownerKey],
      ],
      body: valid?.body ? { kind: 'text', text: JSON.stringify(valid.body) } : { kind: 'none' },
      rateLimited: false,
      pristine: false,
      bodyKind: 'valid',
    }),
  ]);
}

describe.each(ROUTES.map((route) => route.id))('hostile input over HTTP, %s', (routeId) => {
  it(`answers ${RUNS_PER_ROUTE} generated requests in the contract's shape, never 5xx, writing only for valid ones`, async () => {
    const snapshot = tableSnapshots(local.stack);
    let before = await snapshot();
    const seen = new Map<string, number>();
    let runs = 0;

    await fc.assert(
      fc.asyncProperty(hostileRequests(routeId, world, 'http'), async (request) => {
        runs += 1;
        const expectation = expectOverHttp(request, world);

        const answer = await sendOverHttp(local.stack.apiUrl, request);

        const after = await snapshot();
        const changed = changedItems(before, after);
        before = after;
        // A body above the gateway's quota is refused before any route is matched, so a method no
        // operation has gets that refusal (in the contract's shape), not the unknown-route 404.
        const refusedBeforeRouting =
          expectation.label === GATEWAY_QUOTA_LABEL && request.method !== routeById(routeId).method;
        const problems = [
          ...contractViolations(request, answer, expectation),
          ...(refusedBeforeRouting
            ? []
            : openApiValidator().violations(request.method, requestTarget(request), answer)),
        ];
        if ((expectation.expected.status !== 'valid' || expectation.readOnly) && changed.length)
          problems.push(
            `${expectation.readOnly ? 'a read' : 'an invalid request'} changed ${changed.join(', ')}`,
          );
        if (problems.length) throw new Error(problems.join('\n'));
        seen.set(expectation.label, (seen.get(expectation.label) ?? 0) + 1);
      }),
      { ...propertyParameters(RUNS_PER_ROUTE), examples: malformedPathExamples(routeId) },
    );

    // Replaying one counterexample (FC_PATH) runs it alone: nothing to count.
    if (process.env.FC_PATH) return;
    expect(runs).toBeGreaterThanOrEqual(RUNS_PER_ROUTE);
    expect(seen.get('valid') ?? 0).toBeGreaterThanOrEqual(10);
    if (pathParameterNames(routeById(routeId)).length > 0)
      expect(seen.get('400 malformed percent-encoding') ?? 0).toBeGreaterThanOrEqual(2);
  }, 600_000);
});
