import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { LocalStack } from '../../local/local-stack';

export type LocalStackSummary = Omit<LocalStack, 'close'>;

export interface RunningStack extends LocalStackSummary {
  /** The stack's process id (the node process running local/start.ts itself, no wrapper). */
  readonly pid: number;
  /** Stops the stack as Ctrl-C does; resolves with the process's exit code once its output is read. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Everything the stack printed so far, stdout and stderr in the order they arrived. */
  output(): string;
  /** The one line of stdout that handed this summary over (it holds the stack's own secrets). */
  readonly summaryLine: string;
}

/**
 * How long a stack may take to print its summary: a DynamoDB Local JVM (2.5–8 s on an idle
 * machine), bundling both handlers and starting two banks, on a busy two-core machine.
 */
export const STACK_START_TIMEOUT_MS = 150_000;
/** How long a stack may take to stop (closing the JVM included). */
export const STACK_STOP_TIMEOUT_MS = 60_000;

const ROOT = path.resolve(__dirname, '../..');

export interface StackProcessOptions {
  /** Extra environment for the stack (e.g. LOCAL_DYNAMODB_ENGINE, which the test setup sets). */
  env?: Record<string, string>;
}

/**
 * Starts `local/start.ts` in a child process, as `npm start` does, on a free port. A child process
 * because the sandbox bank (oidc-provider) is ESM, which jest's CommonJS runtime cannot load. The
 * child is node itself with tsx as a loader (not the tsx CLI, which runs node as its own child), so
 * a signal sent to it reaches the stack.
 */
export async function startStackProcess(
  args: string[] = [],
  options: StackProcessOptions = {},
): Promise<RunningStack> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'local/start.ts', '--json', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', NODE_NO_WARNINGS: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  // 'close' rather than 'exit': by then everything the stack printed has been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const { summary, line } = await readSummary(child, () => output.join(''));
  return {
    ...summary,
    pid: child.pid ?? -1,
    summaryLine: line,
    output: () => output.join(''),
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function readSummary(
  child: ChildProcess,
  printed: () => string,
): Promise<{ summary: LocalStackSummary; line: string }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`local stack did not start within ${STACK_START_TIMEOUT_MS} ms\n${printed()}`));
    }, STACK_START_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${code}\n${printed()}`));
    };
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      // Complete lines only: a chunk may end inside the JSON.
      const line = stdout
        .split('\n')
        .slice(0, -1)
        .find((candidate) => candidate.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', onData);
      resolve({ summary: JSON.parse(line) as LocalStackSummary, line });
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
