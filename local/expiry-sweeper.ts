import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { ExpiryHandler } from '../functions/expire-intents/handler';
import { EXPIRY_SWEEPER } from '../functions/scheduled-functions';
import { TIME_BUDGET } from '../functions/shared/time-budget';

export interface LocalExpirySweeper {
  /** Stops scheduling runs and waits for a run under way to end. */
  close(): Promise<void>;
}

/**
 * Runs the sweeper's bundled handler every `intervalMs`, as the stack's EventBridge schedule runs
 * the function every minute, each run with a function timeout's time. Runs never overlap: the next
 * is scheduled when one ends. A failed run is reported on stderr, as Lambda would log it, and the
 * next one tries again.
 */
export async function startExpirySweeper(bundle: string, intervalMs: number): Promise<LocalExpirySweeper> {
  const handler = await loadSweeper(bundle);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce(handler).finally(() => {
        running = undefined;
        schedule();
      });
    }, intervalMs);
  };
  schedule();
  return {
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function loadSweeper(bundle: string): Promise<ExpiryHandler> {
  const module = (await import(pathToFileURL(bundle).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`The bundle ${bundle} exports no handler`);
  return module.handler as ExpiryHandler;
}

async function runOnce(handler: ExpiryHandler): Promise<void> {
  try {
    await handler({}, sweeperContext(TIME_BUDGET.functionTimeoutMs));
  } catch (error) {
    // The handler has logged what failed; this says the run failed, as Lambda's own log line would.
    console.error('The expiry sweep failed:', error instanceof Error ? error.message : String(error));
  }
}

function sweeperContext(timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const name = `${EXPIRY_SWEEPER.id}Function`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: `sweep-${Date.now()}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
