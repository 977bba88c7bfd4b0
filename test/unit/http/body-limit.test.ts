import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { buildHandler } from '../../../functions/create/handler';
import { bodyBytes, MAX_BODY_BYTES } from '../../../functions/shared/http/body-limit';
import { ACCOUNT_ID, apiEvent, OWNER_SECRET, parse } from '../../support/fixtures';
import { dynamo, type Harness, harness } from '../../support/handler-harness';

const PATH = '/api/bank-account-connection-intents';
const VALID = JSON.stringify({ accountId: ACCOUNT_ID, type: 'quartz-accounts' });
const TOO_LARGE = {
  statusCode: 400,
  error: 'Bad Request',
  message: `body must be at most ${MAX_BODY_BYTES} bytes`,
  requestId: 'req-123',
};

/** The valid body followed by spaces up to `bytes` bytes: still valid JSON, so only the size can refuse it. */
const paddedTo = (bytes: number) => `${VALID}${' '.repeat(bytes - VALID.length)}`;

let h: Harness;
beforeEach(() => {
  h = harness(buildHandler);
  dynamo.on(PutCommand).resolves({});
});

const send = async (rawBody: string, options: { base64?: boolean; headers?: Record<string, string> } = {}) =>
  parse(
    await h.invoke({
      ...apiEvent({ path: PATH, rawBody, headers: options.headers ?? { 'X-Api-Key': OWNER_SECRET } }),
      isBase64Encoded: options.base64 === true,
    }),
  );

describe('body size limit', () => {
  it('reads a body of exactly the limit', async () => {
    const { statusCode } = await send(paddedTo(MAX_BODY_BYTES));

    expect(statusCode).toBe(200);
  });

  it('answers 400 naming body one byte above it, and stores nothing', async () => {
    const { statusCode, body } = await send(paddedTo(MAX_BODY_BYTES + 1));

    expect(statusCode).toBe(400);
    expect(body).toEqual(TOO_LARGE);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('counts bytes, not characters', async () => {
    const twoByteCharacters = 'é'.repeat(MAX_BODY_BYTES / 2);

    const { statusCode, body } = await send(JSON.stringify({ accountId: twoByteCharacters, type: 'x' }));

    expect(twoByteCharacters.length).toBeLessThan(MAX_BODY_BYTES);
    expect(statusCode).toBe(400);
    expect(body).toEqual(TOO_LARGE);
  });

  it('counts what a base64 body decodes to, not its encoding', async () => {
    const atLimit = Buffer.from(paddedTo(MAX_BODY_BYTES)).toString('base64');
    const aboveLimit = Buffer.from(paddedTo(MAX_BODY_BYTES + 1)).toString('base64');

    expect(atLimit.length).toBeGreaterThan(MAX_BODY_BYTES);
    expect((await send(atLimit, { base64: true })).statusCode).toBe(200);
    expect((await send(aboveLimit, { base64: true })).body).toEqual(TOO_LARGE);
  });

  it('answers 401 before looking at the size of an unauthenticated body', async () => {
    const { statusCode, body } = await send(paddedTo(1024 * 1024), { headers: {} });

    expect(statusCode).toBe(401);
    expect(body.message).toBe('Missing authentication');
  });

  it.each([
    [null, false, 0],
    ['', false, 0],
    ['{"a":"é"}', false, 10],
    ['eyJhIjoiw6kifQ==', true, 10],
  ])('bodyBytes(%j, base64 %s) is %i', (body, base64, bytes) => {
    expect(bodyBytes(body, base64)).toBe(bytes);
  });
});
