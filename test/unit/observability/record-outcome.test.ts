import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { authorizeIntentRoute as authorizeRoute } from '../../../functions/authorize/route';
import { buildHandler } from '../../../functions/create/handler';
import { createIntentRoute as createRoute } from '../../../functions/create/route';
import {
  AuthorizationInProgressError,
  BadRequestError,
  BusinessRuleError,
  DeadlineExceededError,
  ForbiddenError,
  ProviderOutcomeUnknownError,
  ProviderUnavailableError,
  RateLimitExceededError,
  UnauthorizedError,
} from '../../../functions/shared/domain/errors';
import { toErrorResponse } from '../../../functions/shared/http/error-response';
import {
  METRICS_NAMESPACE,
  OUTCOME_METRICS,
  SERVICE_NAME,
} from '../../../functions/shared/observability/metrics';
import { recordOutcome } from '../../../functions/shared/observability/record-outcome';
import { ACCOUNT_ID, apiEvent, OWNER_SECRET } from '../../support/fixtures';
import { dynamo, harness } from '../../support/handler-harness';

// Outside Lambda the recorder emits nothing unless Powertools is told; the quiet-logs setup of the
// unit tests silences the logger only, so these lines reach stdout.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

/** The EMF lines written to stdout while `work` runs. */
async function emfLinesOf(work: () => unknown): Promise<EmfLine[]> {
  const written: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await work();
  } finally {
    stdout.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"CloudWatchMetrics"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

/** `{ metric name → value }` of the line with the `service` and `route` dimensions only. */
function outcomeValues(lines: EmfLine[]): Record<string, unknown> {
  const line = lines.find((candidate) => dimensionsOf(candidate).join() === 'service,route');
  if (!line) throw new Error('no outcome line');
  return Object.fromEntries(
    (line._aws.CloudWatchMetrics[0]?.Metrics ?? []).map(({ Name }) => [Name, line[Name]]),
  );
}

const dimensionsOf = (line: EmfLine) => line._aws.CloudWatchMetrics[0]?.Dimensions[0] ?? [];

const answer = (error: unknown) => toErrorResponse(error, 'req-1');
const ok: APIGatewayProxyResult = { statusCode: 200, body: '{}' };

const none = {
  Requests: 1,
  Succeeded: 0,
  Failed: 0,
  BankUnavailable: 0,
  AuthorizationInProgress: 0,
  RateLimited: 0,
};

describe('outcome metrics', () => {
  it('count an authorized intent under the namespace, service and route, each outcome 0 or 1', async () => {
    const lines = await emfLinesOf(() => recordOutcome(authorizeRoute.id, ok));

    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line?._aws.CloudWatchMetrics[0]?.Namespace).toBe(METRICS_NAMESPACE);
    expect(line).toMatchObject({ service: SERVICE_NAME, route: 'AuthorizeIntent' });
    expect(outcomeValues(lines)).toEqual({ ...none, Succeeded: 1 });
  });

  it.each([
    ['AUTHORIZATION_FAILED', new BusinessRuleError('AUTHORIZATION_FAILED'), {}],
    ['ALREADY_AUTHORIZED', new BusinessRuleError('ALREADY_AUTHORIZED'), {}],
    ['PROVIDER_UNAVAILABLE', new ProviderUnavailableError(), { BankUnavailable: 1 }],
    ['PROVIDER_TIMEOUT', new ProviderOutcomeUnknownError('timeout'), { BankUnavailable: 1 }],
    ['PROVIDER_ERROR', new ProviderOutcomeUnknownError('unreadable'), { BankUnavailable: 1 }],
    ['AUTHORIZATION_IN_PROGRESS', new AuthorizationInProgressError(), { AuthorizationInProgress: 1 }],
    ['RATE_LIMIT_EXCEEDED', new RateLimitExceededError(30), { RateLimited: 1 }],
    ['SERVICE_TIMEOUT', new DeadlineExceededError(), {}],
    ['FORBIDDEN', new ForbiddenError(), {}],
    ['UNAUTHORIZED', UnauthorizedError.invalid(), {}],
    ['BAD_REQUEST', new BadRequestError('code is required'), {}],
    ['INTERNAL_ERROR', new Error('a bug'), {}],
  ])('count a failure by its reason %s', async (reason, error, outcome) => {
    const lines = await emfLinesOf(() => recordOutcome(authorizeRoute.id, answer(error)));

    expect(outcomeValues(lines)).toEqual({ ...none, Failed: 1, ...outcome });
    const byReason = lines.filter((line) => dimensionsOf(line).includes('reason'));
    expect(byReason).toHaveLength(1);
    expect(dimensionsOf(byReason[0] as EmfLine)).toEqual(['service', 'route', 'reason']);
    expect(byReason[0]).toMatchObject({ route: 'AuthorizeIntent', reason, [OUTCOME_METRICS.failed]: 1 });
  });

  it('are written for every answer of a handler, and flushed with it', async () => {
    const h = harness(buildHandler);
    dynamo.on(PutCommand).resolves({});
    const body = { accountId: ACCOUNT_ID, type: 'quartz-accounts', test: true };

    const lines = await emfLinesOf(async () => {
      await h.invoke(apiEvent({ path: createRoute.path, body, headers: { 'X-Api-Key': OWNER_SECRET } }));
      await h.invoke(apiEvent({ path: createRoute.path, body }));
    });

    const outcomes = lines.filter((line) => dimensionsOf(line).join() === 'service,route');
    expect(outcomes.map((line) => [line.route, line.Succeeded, line.Failed])).toEqual([
      ['CreateIntent', 1, 0],
      ['CreateIntent', 0, 1],
    ]);
    expect(lines.find((line) => line.reason)).toMatchObject({ reason: 'UNAUTHORIZED' });
  });

  it('never let a metric change the answer', async () => {
    const lines = await emfLinesOf(() =>
      expect(() => recordOutcome(authorizeRoute.id, { statusCode: 502, body: 'not json' })).not.toThrow(),
    );

    expect(lines.find((line) => line.reason)).toMatchObject({ reason: 'HTTP_502' });
  });
});

describe('the route of an answer', () => {
  it("is the handler's own route, whatever path the event names", async () => {
    const h = harness(buildHandler);

    const lines = await emfLinesOf(async () => {
      await h.invoke(apiEvent({ path: '/api/somewhere-else', body: {} }));
    });

    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.route === createRoute.id)).toBe(true);
  });
});
