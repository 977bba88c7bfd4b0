import { request as httpRequest, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ROUTES } from '../../../functions/routes';
import { createLocalApi, GATEWAY_MAX_PAYLOAD_BYTES } from '../../../local/local-api';

let server: Server;
let port: number;
const seen: APIGatewayProxyEvent[] = [];

beforeAll(async () => {
  server = createLocalApi({
    routes: ROUTES,
    loadHandler: async () => async (event) => {
      seen.push(event);
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json', 'x-request-id': event.requestContext.requestId },
        body: '{}',
      };
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
});

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends exactly this request line and these headers (repeats and spellings kept), as fetch would not. */
function send(
  method: string,
  path: string,
  headers: string[] = [],
  body: Buffer | string = '',
): Promise<RawAnswer> {
  const bytes = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: ['Host', `127.0.0.1:${port}`, 'Content-Length', String(bytes.length), ...headers],
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(bytes);
  });
}

/** Writes raw bytes on a socket, for requests an HTTP client refuses to send; resolves with the reply. */
function sendRaw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    let reply = '';
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
    });
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}

const badRequest = (answer: RawAnswer, message: string) => {
  expect(answer.status).toBe(400);
  expect(answer.headers['x-request-id']).toEqual(expect.any(String));
  expect(JSON.parse(answer.body)).toEqual({
    statusCode: 400,
    error: 'Bad Request',
    message,
    requestId: answer.headers['x-request-id'],
  });
};

const AUTHORIZE = (id: string) => `/api/bank-account-connection-intents/${id}/authorize`;

describe('local API: hostile requests', () => {
  it.each(['%E0%A4%A', '%', '%C3', '%ZZ', 'abc%', '%ED%A0%80', '3KVjuKW2CZCJeJVqPxwkX%7'])(
    'answers 400 naming the parameter for the malformed percent-encoding %s, without calling the function',
    async (id) => {
      const answer = await send('POST', AUTHORIZE(id));

      badRequest(answer, 'bankAccountConnectionIntentId is not valid percent-encoding');
      expect(seen).toHaveLength(0);
    },
  );

  it('answers 404 for a malformed parameter on a method the route does not have', async () => {
    const answer = await send('GET', AUTHORIZE('%E0%A4%A'));

    expect(answer.status).toBe(404);
  });

  it('hands the function the decoded parameter', async () => {
    await send('POST', AUTHORIZE('3KVjuKW2CZCJeJVqPxwkX%37'));

    expect(seen[0]?.pathParameters).toEqual({ bankAccountConnectionIntentId: '3KVjuKW2CZCJeJVqPxwkX7' });
  });

  it('answers 400 for a request target no URL parser accepts', async () => {
    badRequest(await send('POST', '//['), 'path is not a valid URL path');
  });

  it('passes headers named constructor and __proto__ as plain headers', async () => {
    const answer = await send('POST', '/api/bank-account-connection-intents', [
      'constructor',
      'a',
      '__proto__',
      'b',
      'toString',
      'c',
    ]);

    expect(answer.status).toBe(200);
    expect(Object.entries(seen[0]?.headers ?? {})).toEqual(
      expect.arrayContaining([
        ['constructor', 'a'],
        ['__proto__', 'b'],
        ['toString', 'c'],
      ]),
    );
    expect(seen[0]?.multiValueHeaders.constructor).toEqual(['a']);
  });

  it('merges the repeats of a header in any spelling: the last value, all of them in multiValueHeaders', async () => {
    await send('POST', '/api/bank-account-connection-intents', [
      'X-Api-Key',
      'first',
      'x-api-key',
      'second',
      'X-API-KEY',
      'third',
    ]);

    const headerNames = Object.keys(seen[0]?.headers ?? {}).filter(
      (name) => name.toLowerCase() === 'x-api-key',
    );
    expect(headerNames).toEqual(['X-Api-Key']);
    expect(seen[0]?.headers['X-Api-Key']).toBe('third');
    expect(seen[0]?.multiValueHeaders['X-Api-Key']).toEqual(['first', 'second', 'third']);
  });

  it("answers 400 for a body above API Gateway's payload quota, without calling the function", async () => {
    const answer = await send(
      'POST',
      '/api/bank-account-connection-intents',
      [],
      Buffer.alloc(GATEWAY_MAX_PAYLOAD_BYTES + 1, 0x20),
    );

    badRequest(answer, `body must be at most ${GATEWAY_MAX_PAYLOAD_BYTES} bytes`);
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['a NUL in a header value', 'POST /api/x HTTP/1.1\r\nHost: a\r\nX-Api-Key: a\u0000b\r\n\r\n'],
    [
      'a header section above 16 KiB',
      `POST /api/x HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`,
    ],
    ['a broken chunked body', 'POST /api/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
  ])("answers the contract's 400 for a request Node cannot read: %s", async (_, bytes) => {
    const reply = await sendRaw(bytes);

    const [head = '', body = ''] = reply.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/);
    expect(JSON.parse(body)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'request is not valid HTTP',
      requestId: expect.any(String),
    });
  });
});
