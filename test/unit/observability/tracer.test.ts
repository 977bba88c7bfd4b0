import { traced, tracer, tracingEnabled } from '../../../functions/shared/observability/tracer';

const LAMBDA = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000' };

describe('tracing', () => {
  it('is on inside Lambda, which names its X-Ray daemon', () => {
    expect(tracingEnabled(LAMBDA)).toBe(true);
  });

  it.each([
    ['outside Lambda (unit tests, the local stack)', {}],
    ['in a local emulation of the runtime, with no daemon', { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' }],
    ['under SAM local', { ...LAMBDA, AWS_SAM_LOCAL: 'true' }],
    ['when POWERTOOLS_TRACE_ENABLED=false', { ...LAMBDA, POWERTOOLS_TRACE_ENABLED: 'false' }],
  ])('is off %s', (_where, env) => {
    expect(tracingEnabled(env)).toBe(false);
  });

  it('leaves clients untouched and loads no X-Ray SDK where it is off', () => {
    const client = { middlewareStack: { add: jest.fn() } };

    expect(traced(client)).toBe(client);
    expect(client.middlewareStack.add).not.toHaveBeenCalled();
    expect(tracer()).toBeUndefined();
    // The X-Ray SDK registers its async context (cls-hooked) on process.namespaces when it loads.
    expect((process as { namespaces?: Record<string, unknown> }).namespaces?.AWSXRay).toBeUndefined();
  });
});
