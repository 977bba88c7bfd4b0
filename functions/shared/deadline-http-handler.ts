import { NodeHttpHandler } from '@smithy/node-http-handler';
import { invocationSignal } from './invocation-scope';
import { TIME_BUDGET } from './time-budget';

type HandleArguments = Parameters<NodeHttpHandler['handle']>;

/**
 * The AWS SDK's HTTP handler, with every request tied to the running invocation's deadline: a
 * DynamoDB or Secrets Manager call that is still under way when the invocation must answer is
 * aborted, whichever middleware or use case made it. A connection that cannot be opened within the
 * attempt budget fails that attempt, which the SDK retries within the time left; a request that is
 * slower than it is only logged by the SDK (its requestTimeout warns unless told to throw), because
 * what ends a stalled request is the invocation's deadline, and throwing there would fail slow but
 * healthy requests.
 */
export class DeadlineHttpHandler extends NodeHttpHandler {
  constructor() {
    super({
      connectionTimeout: TIME_BUDGET.dynamoAttemptTimeoutMs,
      requestTimeout: TIME_BUDGET.dynamoAttemptTimeoutMs,
    });
  }

  override handle(request: HandleArguments[0], options: HandleArguments[1] = {}) {
    const abortSignal = options.abortSignal ?? invocationSignal();
    return super.handle(request, abortSignal ? { ...options, abortSignal } : options);
  }
}
