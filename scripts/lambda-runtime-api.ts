import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One invocation, as the Lambda service hands it to a runtime. */
export interface Invocation {
  requestId: string;
  /** The event, serialized as the caller sent it. */
  payload: string;
  functionArn: string;
  /** The function's timeout: the deadline is this far after the runtime takes the event. */
  timeoutMs: number;
  /** X-Ray trace header; `Sampled=0`, as nothing here collects traces. */
  traceId: string;
}

/** What the runtime reported: the function's answer, its error, or a failed initialization. */
export type InvocationOutcome =
  | { kind: 'response'; payload: string }
  | { kind: 'error' | 'init-error'; errorType: string; payload: string };

export interface RuntimeApi {
  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  address: string;
  /** Resolves when the runtime takes the invocation: the function's deadline runs from then. */
  delivered: Promise<void>;
  /** Settles with the first answer the runtime posts for the invocation (or its init error). */
  outcome: Promise<InvocationOutcome>;
  close(): Promise<void>;
}

const PREFIX = '/2018-06-01/runtime';
const ACCEPTED = JSON.stringify({ status: 'OK' });

/**
 * The part of the Lambda Runtime API (version 2018-06-01) a runtime client uses for one invocation,
 * on loopback: `GET invocation/next` hands out the event once, then holds further polls open as
 * Lambda does while no event is waiting; `POST invocation/{id}/response` and `…/error` carry the
 * outcome, `POST init/error` a failed initialization.
 */
export async function startRuntimeApi(invocation: Invocation): Promise<RuntimeApi> {
  let settle: (outcome: InvocationOutcome) => void = () => undefined;
  const outcome = new Promise<InvocationOutcome>((resolve) => {
    settle = resolve;
  });
  let markDelivered: () => void = () => undefined;
  const delivered = new Promise<void>((resolve) => {
    markDelivered = resolve;
  });
  let handedOut = false;
  let settled = false;
  const finish = (result: InvocationOutcome) => {
    settled = true;
    settle(result);
  };

  const server = createServer(async (request, response) => {
    const url = request.url ?? '';
    if (request.method === 'GET' && url === `${PREFIX}/invocation/next`) {
      if (handedOut) return; // held open until close(): there is only one event
      handedOut = true;
      response.writeHead(200, {
        'Content-Type': 'application/json',
        'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
        'Lambda-Runtime-Deadline-Ms': String(Date.now() + invocation.timeoutMs),
        'Lambda-Runtime-Invoked-Function-Arn': invocation.functionArn,
        'Lambda-Runtime-Trace-Id': invocation.traceId,
      });
      response.end(invocation.payload);
      markDelivered();
      return;
    }
    if (request.method !== 'POST') return reply(response, 404, 'UnknownPath');
    const body = await readBody(request);
    // The native client sends the type only in the body; the JavaScript one in a header.
    const errorType = header(request, 'lambda-runtime-function-error-type') ?? errorTypeIn(body);
    if (url === `${PREFIX}/init/error`) {
      if (settled) return reply(response, 403, 'InvalidStateTransition');
      finish({ kind: 'init-error', errorType, payload: body });
      return accepted(response);
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (!match) return reply(response, 404, 'UnknownPath');
    if (decodeURIComponent(match[1] ?? '') !== invocation.requestId || !handedOut) {
      return reply(response, 400, 'InvalidRequestID');
    }
    if (settled) return reply(response, 403, 'InvalidStateTransition');
    finish(
      match[2] === 'response'
        ? { kind: 'response', payload: body }
        : { kind: 'error', errorType, payload: body },
    );
    accepted(response);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    delivered,
    outcome,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Ends the held poll and the runtime's keep-alive connection.
        server.closeAllConnections();
      }),
  };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorTypeIn(body: string): string {
  try {
    const { errorType } = JSON.parse(body) as { errorType?: unknown };
    return typeof errorType === 'string' ? errorType : 'Unknown';
  } catch {
    return 'Unknown';
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function accepted(response: ServerResponse): void {
  response.writeHead(202, { 'Content-Type': 'application/json' });
  response.end(ACCEPTED);
}

function reply(response: ServerResponse, status: number, errorType: string): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify({ errorType, errorMessage: errorType }));
}
