import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadPublisherConfig } from '../config';
import type { IntentEventBus } from '../domain/ports';
import { loopbackEndpointDefaults } from '../loopback-endpoint';
import { traced, tracer } from '../observability/tracer';
import { PUBLISHER_BUDGET } from '../time-budget';
import { EventBridgeBus } from './event-bridge-bus';

/**
 * The EventBridge client of the publisher. A request that has not answered within its attempt
 * budget is abandoned and retried: publishing twice is allowed (consumers deduplicate by event id),
 * a publisher stuck past its timeout is not. AWS_ENDPOINT_URL_EVENTBRIDGE (the SDK's own setting)
 * points it at the local stack's bus.
 */
export function createEventBridgeClient(env: NodeJS.ProcessEnv = process.env): EventBridgeClient {
  return traced(
    new EventBridgeClient({
      ...loopbackEndpointDefaults(env.AWS_ENDPOINT_URL_EVENTBRIDGE, env),
      requestHandler: new NodeHttpHandler({
        connectionTimeout: PUBLISHER_BUDGET.putEventsAttemptTimeoutMs,
        requestTimeout: PUBLISHER_BUDGET.putEventsAttemptTimeoutMs,
        throwOnRequestTimeout: true,
      }),
      maxAttempts: PUBLISHER_BUDGET.putEventsMaxAttempts,
    }),
  );
}

let processBus: IntentEventBus | undefined;

/** The bus of this process, built from the environment on first use (a Lambda cold start). */
export function eventBusFromEnvironment(): IntentEventBus {
  if (!processBus) {
    // Where tracing is on, it starts here.
    tracer();
    const { eventBusName } = loadPublisherConfig();
    processBus = new EventBridgeBus({ client: createEventBridgeClient(), eventBusName });
  }
  return processBus;
}
