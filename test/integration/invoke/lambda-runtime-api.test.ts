import { type RuntimeApi, startRuntimeApi } from '../../../scripts/lambda-runtime-api';

const INVOCATION = {
  requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  payload: '{"hello":"world"}',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:CreateIntentFunction',
  timeoutMs: 20_000,
  traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0',
};

describe('the local Lambda Runtime API endpoint', () => {
  let api: RuntimeApi;
  const url = (suffix: string) => `http://${api.address}/2018-06-01/runtime/${suffix}`;
  const post = (suffix: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url(suffix), { method: 'POST', body: JSON.stringify(body), headers });

  beforeEach(async () => {
    api = await startRuntimeApi(INVOCATION);
  });

  afterEach(() => api.close());

  it('hands out the event with the headers a runtime client reads', async () => {
    const before = Date.now();

    const next = await fetch(url('invocation/next'));

    expect(next.status).toBe(200);
    expect(await next.text()).toBe(INVOCATION.payload);
    expect(next.headers.get('lambda-runtime-aws-request-id')).toBe(INVOCATION.requestId);
    expect(next.headers.get('lambda-runtime-invoked-function-arn')).toBe(INVOCATION.functionArn);
    expect(next.headers.get('lambda-runtime-trace-id')).toBe(INVOCATION.traceId);
    expect(Number(next.headers.get('lambda-runtime-deadline-ms'))).toBeGreaterThanOrEqual(
      before + INVOCATION.timeoutMs,
    );
    await expect(api.delivered).resolves.toBeUndefined();
  });

  it('takes the function’s answer for the invocation it handed out, once', async () => {
    await (await fetch(url('invocation/next'))).text();

    const answer = await post(`invocation/${INVOCATION.requestId}/response`, { statusCode: 200 });
    const again = await post(`invocation/${INVOCATION.requestId}/response`, { statusCode: 500 });

    expect(answer.status).toBe(202);
    expect(again.status).toBe(403);
    await expect(api.outcome).resolves.toEqual({ kind: 'response', payload: '{"statusCode":200}' });
  });

  it('takes an error, its type from the header or else from the body', async () => {
    await (await fetch(url('invocation/next'))).text();

    const posted = await post(`invocation/${INVOCATION.requestId}/error`, {
      errorType: 'TypeError',
      errorMessage: 'boom',
    });

    expect(posted.status).toBe(202);
    await expect(api.outcome).resolves.toMatchObject({ kind: 'error', errorType: 'TypeError' });
  });

  it('takes an init error', async () => {
    const posted = await post(
      'init/error',
      { errorType: 'Runtime.ImportModuleError', errorMessage: 'no module' },
      { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' },
    );

    expect(posted.status).toBe(202);
    await expect(api.outcome).resolves.toMatchObject({
      kind: 'init-error',
      errorType: 'Runtime.ImportModuleError',
    });
  });

  it('refuses an answer for another request id, or before the event was handed out', async () => {
    const early = await post(`invocation/${INVOCATION.requestId}/response`, {});
    await (await fetch(url('invocation/next'))).text();
    const unknown = await post('invocation/another-id/response', {});

    expect(early.status).toBe(400);
    expect(unknown.status).toBe(400);
  });
});
