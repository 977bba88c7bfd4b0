import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { withinTimeBudget } from '../../../functions/shared/http/time-budget-wrapper';
import { invocationSignal } from '../../../functions/shared/invocation-scope';
import { TIME_BUDGET } from '../../../functions/shared/time-budget';
import { captureLogs } from '../../support/capture-logs';
import { apiEvent } from '../../support/fixtures';

const contextWith = (remainingMs: number): Context => {
  const deadline = Date.now() + remainingMs;
  return { awsRequestId: 'lambda-req', getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
};
const ok: APIGatewayProxyResult = { statusCode: 200, headers: {}, body: '{}' };
const event = apiEvent({
  path: '/api/bank-account-connection-intents/{bankAccountConnectionIntentId}/authorize',
  pathParameters: { bankAccountConnectionIntentId: '3KVjuKW2CZCJeJVqPxwkX7' },
});

describe('the time-budget wrapper around the whole chain', () => {
  it('answers a retryable 503 in the contract shape when the chain is still running at the deadline', async () => {
    const never = () => new Promise<APIGatewayProxyResult>(() => undefined);
    const handler = withinTimeBudget(never, { ...TIME_BUDGET, answerMarginMs: 1_000 });

    const answer = await handler(event, contextWith(1_050));

    expect(answer.statusCode).toBe(503);
    expect(answer.headers).toMatchObject({ 'retry-after': '2', 'x-request-id': 'req-123' });
    expect(JSON.parse(answer.body)).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'SERVICE_TIMEOUT',
      reason: 'The request could not be completed in time; retry it.',
      requestId: 'req-123',
    });
  });

  it('gives the chain the invocation signal, and aborts it once the answer is sent', async () => {
    let seen: AbortSignal | undefined;
    const handler = withinTimeBudget(async () => {
      seen = invocationSignal();
      return ok;
    });

    await handler(event, contextWith(20_000));

    expect(seen).toBeDefined();
    expect(seen?.aborted).toBe(true);
  });

  it('aborts the signal at the deadline, so outbound calls still running stop', async () => {
    let seen: AbortSignal | undefined;
    const handler = withinTimeBudget(
      () => {
        seen = invocationSignal();
        return new Promise<APIGatewayProxyResult>(() => undefined);
      },
      { ...TIME_BUDGET, answerMarginMs: 1_000 },
    );

    await handler(event, contextWith(1_020));

    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toMatchObject({ message: 'SERVICE_TIMEOUT' });
  });

  it('logs one line per request with route, status, latency, request id, path ids and error code', async () => {
    const logs = captureLogs();
    const handler = withinTimeBudget(async () => ({
      statusCode: 403,
      headers: {},
      body: JSON.stringify({ statusCode: 403, error: 'Forbidden', message: 'AUTHORIZATION_FAILED' }),
    }));

    await handler(event, contextWith(20_000));
    logs.restore();

    const lines = logs.lines().filter((line) => line.message === 'request');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        route: 'POST /api/bank-account-connection-intents/{bankAccountConnectionIntentId}/authorize',
        status: 403,
        latencyMs: expect.any(Number),
        requestId: 'req-123',
        bankAccountConnectionIntentId: '3KVjuKW2CZCJeJVqPxwkX7',
        errorCode: 'AUTHORIZATION_FAILED',
      }),
    ]);
  });
});
