import {
  type RunningStack,
  STACK_START_TIMEOUT_MS,
  STACK_STOP_TIMEOUT_MS,
  type StackProcessOptions,
  startStackProcess,
} from './local-stack-process';
import { ServiceClient } from './service-client';

export interface LocalStackHandle {
  readonly stack: RunningStack;
  readonly api: ServiceClient;
}

/**
 * Starts a local stack before the file's tests and stops it after them; read it inside tests.
 * `args` are `npm start`'s own (e.g. `--intent-lifetime 20`); `options.env` adds to its environment.
 */
export function useLocalStack(args: string[] = [], options: StackProcessOptions = {}): LocalStackHandle {
  let running: { stack: RunningStack; api: ServiceClient } | undefined;
  beforeAll(async () => {
    const stack = await startStackProcess(args, options);
    running = { stack, api: new ServiceClient(stack) };
    // The fixture's own limit fails first, with the stack's output; this one only bounds the hook.
  }, STACK_START_TIMEOUT_MS + 10_000);
  afterAll(() => running?.stack.stop(), STACK_STOP_TIMEOUT_MS);
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
