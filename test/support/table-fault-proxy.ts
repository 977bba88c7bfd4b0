import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one DynamoDB request. */
export type TableFault = 'pass' | 'stall' | 'throttle' | 'fail';

export interface TableRequest {
  /** The DynamoDB operation, e.g. `UpdateItem` (from the X-Amz-Target header). */
  operation: string;
  body: string;
  /** When it arrived (epoch ms). */
  at: number;
}

export interface TableFaultProxy {
  /** The endpoint to give the service instead of the engine's. */
  endpoint: string;
  /** Decides, per request, what happens to it; the default passes everything. */
  rule: (request: TableRequest) => TableFault;
  readonly requests: TableRequest[];
  close(): Promise<void>;
}

/**
 * A DynamoDB endpoint that misbehaves on demand, in front of a real engine: it passes requests
 * through, holds them without ever answering (a stalled connection), or answers what DynamoDB
 * answers when it throttles (400 ThrottlingException) or fails on its side (500). The SDK, its
 * retries and the service's own error handling all run for real against it.
 */
export async function startTableFaultProxy(target: string): Promise<TableFaultProxy> {
  const stalled = new Set<ServerResponse>();
  const proxy: Omit<TableFaultProxy, 'endpoint' | 'close'> = { rule: () => 'pass', requests: [] };
  const server = createServer(async (incoming, outgoing) => {
    const body = await readBody(incoming);
    const operation =
      String(incoming.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    const recorded = { operation, body, at: Date.now() };
    proxy.requests.push(recorded);
    switch (proxy.rule(recorded)) {
      case 'stall':
        stalled.add(outgoing);
        return;
      case 'throttle':
        return answerError(
          outgoing,
          400,
          'ThrottlingException',
          'Rate of requests exceeds the allowed throughput.',
        );
      case 'fail':
        return answerError(outgoing, 500, 'InternalServerError', 'Internal server error');
      case 'pass':
        return forward(target, incoming, body, outgoing);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(proxy, {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => closeServer(server, stalled),
  });
}

/** An endpoint where nothing listens: connections are refused. */
export async function refusingEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function forward(target: string, incoming: IncomingMessage, body: string, outgoing: ServerResponse): void {
  const upstream = httpRequest(
    `${target}${incoming.url ?? '/'}`,
    { method: incoming.method, headers: incoming.headers },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(outgoing);
    },
  );
  upstream.on('error', () => outgoing.destroy());
  upstream.end(body);
}

function answerError(outgoing: ServerResponse, status: number, type: string, message: string): void {
  outgoing.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-errortype': type,
    'x-amzn-requestid': 'fault-proxy',
  });
  outgoing.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }));
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
  });
}

function closeServer(server: Server, stalled: Set<ServerResponse>): Promise<void> {
  for (const response of stalled) response.destroy();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
