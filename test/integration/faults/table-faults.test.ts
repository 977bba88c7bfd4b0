import { buildHandler as buildCreate } from '../../../functions/create/handler';
import { buildServices, createDocumentClient } from '../../../functions/shared/services';
import { apiEvent, lambdaContext, parse } from '../../support/fixtures';
import { useRealPeers } from '../../support/service-on-real-peers';
import { refusingEndpoint, type TableRequest } from '../../support/table-fault-proxy';

jest.setTimeout(60_000);

const writes = (requests: TableRequest[]) =>
  requests.filter((request) => ['PutItem', 'UpdateItem', 'DeleteItem'].includes(request.operation));

/**
 * The fault matrix, table rows: the real handlers against a DynamoDB engine behind a proxy that
 * throttles, fails, stalls or is not there.
 */
describe('fault matrix: the table', () => {
  const peers = useRealPeers();

  it('throttled beyond the SDK retries: 503 SERVICE_UNAVAILABLE with Retry-After, nothing stored', async () => {
    peers.tableProxy.rule = () => 'throttle';
    const before = peers.tableProxy.requests.length;

    const answer = await peers.create();

    expect(answer).toMatchObject({ statusCode: 503, body: { message: 'SERVICE_UNAVAILABLE' } });
    expect(answer.headers['retry-after']).toBe('2');
    // The SDK retried (more than one attempt), and no write got through.
    expect(peers.tableProxy.requests.length - before).toBeGreaterThan(1);
    peers.tableProxy.rule = () => 'pass';
  });

  it('throttled briefly: the SDK retries within the budget and the request succeeds', async () => {
    let throttled = 0;
    peers.tableProxy.rule = () => (throttled++ < 2 ? 'throttle' : 'pass');

    const answer = await peers.create();

    expect(answer.statusCode).toBe(200);
    expect(await peers.storedIntent(String(answer.body.id))).toMatchObject({ status: 'created' });
  });

  it('failing on its side (500): 503 SERVICE_UNAVAILABLE, nothing stored', async () => {
    peers.tableProxy.rule = () => 'fail';

    const answer = await peers.create();

    expect(answer).toMatchObject({ statusCode: 503, body: { message: 'SERVICE_UNAVAILABLE' } });
  });

  it('unreachable (connection refused): 503 SERVICE_UNAVAILABLE', async () => {
    const endpoint = await refusingEndpoint();
    const services = buildServices(
      { ...peers.config, tableName: 'unreachable' },
      { dynamo: createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: endpoint }) },
    );
    const event = apiEvent({
      path: '/api/bank-account-connection-intents',
      headers: { 'X-Api-Key': 'any-key' },
      body: { accountId: 'B4u4WZCu3joZFVWT3XjWW3', type: 'quartz-accounts' },
    });

    const answer = parse(await buildCreate({ services: () => services })(event, lambdaContext()));

    expect(answer).toMatchObject({ statusCode: 503, body: { message: 'SERVICE_UNAVAILABLE' } });
  });

  it('stalled from the claim on, during an authorize: a retryable 503 before the deadline, nothing sent after the answer, and the retry completes', async () => {
    const { intentId, code } = await peers.approvedIntent('alice');
    const remainingMs = 8_000;
    peers.tableProxy.rule = (request) =>
      request.operation === 'UpdateItem' && request.body.includes(intentId) ? 'stall' : 'pass';
    const before = await peers.bankStats();

    const startedAt = Date.now();
    const answer = await peers.authorize(intentId, code, { remainingMs });
    const answeredAt = Date.now();

    expect(answer).toMatchObject({ statusCode: 503, body: { message: 'SERVICE_TIMEOUT' } });
    expect(answer.headers['retry-after']).toBe('2');
    expect(answeredAt - startedAt).toBeLessThan(remainingMs);
    // Nothing of the invocation goes on after its answer: no request reaches the table or the bank.
    const sentBefore = peers.tableProxy.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(peers.tableProxy.requests.slice(sentBefore)).toEqual([]);
    expect(await peers.bankStats()).toEqual(before);
    // The stalled claim never reached the table, so the retry claims, redeems once and completes.
    peers.tableProxy.rule = () => 'pass';
    expect(await peers.authorize(intentId, code)).toMatchObject({ statusCode: 200 });
    expect((await peers.bankStats()).redeemedCodes).toBe(before.redeemedCodes + 1);
  });

  it('stalled on every request: even the middlewares answer a retryable 503 before the deadline', async () => {
    peers.tableProxy.rule = () => 'stall';
    const before = writes(peers.tableProxy.requests).length;

    const startedAt = Date.now();
    const answer = await peers.authorize('muMyfDVSTr2GAY7NZWBvXw', 'any-code', { remainingMs: 5_000 });

    expect(answer).toMatchObject({ statusCode: 503, body: { message: 'SERVICE_TIMEOUT' } });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(answer.headers['x-request-id']).toBe('req-123');
    expect(writes(peers.tableProxy.requests).length).toBe(before);
  });
});
