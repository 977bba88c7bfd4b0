import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

/** What a child needs to play Lambda's part for one function. */
export interface FunctionRun {
  functionName: string;
  timeoutMs: number;
  memoryMb: number;
}

/** A Lambda context for one invocation: the function's timeout counts down from now. */
export function lambdaContext(run: FunctionRun): Context {
  const deadline = Date.now() + run.timeoutMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: run.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${run.functionName}`,
    memoryLimitInMB: String(run.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${run.functionName}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The `handler` export of a bundle, loaded (its module initialization runs, as at a cold start). */
export async function importHandler(file: string): Promise<Handler> {
  const module = (await import(pathToFileURL(file).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`${file} exports no handler`);
  return module.handler as Handler;
}

export const statusOf = (result: unknown): number =>
  typeof result === 'object' && result !== null && 'statusCode' in result
    ? Number((result as { statusCode: unknown }).statusCode)
    : 0;
