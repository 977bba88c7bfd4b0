import type { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './metrics';

/**
 * Whether the service traces here: inside Lambda, which names its X-Ray daemon in
 * AWS_XRAY_DAEMON_ADDRESS (a local emulation of the runtime has no daemon to send segments to), not
 * under SAM local, and unless POWERTOOLS_TRACE_ENABLED=false.
 */
export const tracingEnabled = (env: NodeJS.ProcessEnv = process.env): boolean =>
  Boolean(env.AWS_EXECUTION_ENV && env.AWS_XRAY_DAEMON_ADDRESS) &&
  !env.AWS_SAM_LOCAL &&
  env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false';

let processTracer: Tracer | undefined;

/**
 * X-Ray tracing of the service's outbound calls: the AWS SDK clients passed to `traced` and every
 * `fetch`, which is how the bank is called (Powertools follows undici's diagnostics channel). No
 * request or answer body is recorded: the SDK's subsegments carry the operation and table, the
 * bank's its host, path, method and status.
 *
 * Loaded only where it traces: the X-Ray SDK it brings hooks every promise of the process
 * (async_hooks), which unit tests, the local stack and SAM local would pay for nothing.
 */
export function tracer(): Tracer | undefined {
  if (!processTracer && tracingEnabled()) {
    const powertools =
      require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer');
    processTracer = new powertools.Tracer({ serviceName: SERVICE_NAME });
  }
  return processTracer;
}

/** The client, traced where tracing is on. */
export const traced = <Client>(client: Client): Client => tracer()?.captureAWSv3Client(client) ?? client;
