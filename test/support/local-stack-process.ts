import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { LocalStack } from '../../local/local-stack';

export type LocalStackSummary = Omit<LocalStack, 'close'>;

export interface RunningStack extends LocalStackSummary {
  /** Stops the stack as Ctrl-C does; resolves with the process's exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const ROOT = path.resolve(__dirname, '../..');

/**
 * Starts `local/start.ts` in a child process, exactly as `npm start` does, on a free port. A child
 * process because the sandbox bank (oidc-provider) is ESM, which jest's CommonJS runtime cannot load.
 */
export async function startStackProcess(args: string[] = []): Promise<RunningStack> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['local/start.ts', '--json', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const summary = await readSummary(child);
  return {
    ...summary,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

function readSummary(child: ChildProcess): Promise<LocalStackSummary> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`local stack did not start in time\n${stderr}`));
    }, 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as LocalStackSummary);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${code}\n${stderr}`));
    });
  });
}
