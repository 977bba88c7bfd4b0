import { type RunningStack, startStackProcess } from './local-stack-process';
import { ServiceClient } from './service-client';

export interface LocalStackHandle {
  readonly stack: RunningStack;
  readonly api: ServiceClient;
}

/** Starts a local stack before the file's tests and stops it after them; read it inside tests. */
export function useLocalStack(): LocalStackHandle {
  let running: { stack: RunningStack; api: ServiceClient } | undefined;
  beforeAll(async () => {
    const stack = await startStackProcess();
    running = { stack, api: new ServiceClient(stack) };
  }, 60_000);
  afterAll(() => running?.stack.stop());
  const current = () => {
    if (!running) throw new Error('the local stack is not running: use it inside a test');
    return running;
  };
  return {
    get stack() {
      return current().stack;
    },
    get api() {
      return current().api;
    },
  };
}
