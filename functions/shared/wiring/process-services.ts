import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadTableConfig } from '../config';
import type { Clock } from '../domain/clock';
import { tracer } from '../observability/tracer';
import type { QuartzFetch } from '../provider/quartz-client';
import type { RepositoryOptions } from '../repository/repository-options';
import { createDocumentClient } from './document-client';

/** What tests and local tools put in place of the clients a function builds for itself. */
export interface WiringOverrides {
  dynamo?: DynamoDBDocumentClient;
  fetch?: QuartzFetch;
  /** The clock of the services and of the API-key cache's ages. */
  clock?: Clock;
}

/** The service table of the environment, through the given client or a new one. */
export function tableOf(env: NodeJS.ProcessEnv, overrides: WiringOverrides = {}): RepositoryOptions {
  return { client: overrides.dynamo ?? createDocumentClient(env), tableName: loadTableConfig(env).tableName };
}

/**
 * A function's services, built once per process from its environment. The build is first tried
 * right away, when the function's module loads: in Lambda that is the cold start's init phase, so
 * the clients' own start-up work (a Secrets Manager read, the bank's discovery) begins there and not
 * on the first request's clock. An environment that is incomplete then (a test importing the module,
 * a broken deployment) is left for the first request, which builds again and fails with the reason.
 */
export function servicesOfProcess<S>(build: (env: NodeJS.ProcessEnv) => S): () => S {
  let built: S | undefined;
  const services = () => {
    if (built === undefined) {
      // Where tracing is on, it starts here: every client and fetch from now on is traced.
      tracer();
      built = build(process.env);
    }
    return built;
  };
  try {
    services();
  } catch {
    // Built again, and the failure reported, by the first request.
  }
  return services;
}
