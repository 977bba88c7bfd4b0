import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { SandboxClient } from './provider-configuration';

/** main.ts prints this followed by the issuer once the bank listens; parents wait for that line. */
export const ISSUER_LINE_PREFIX = 'Sandbox bank issuer: ';

const REPOSITORY_ROOT = resolve(__dirname, '..', '..');
const ENTRY = 'local/sandbox-bank/main.ts';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

export interface SandboxBankProcess {
  issuer: string;
  /** Sends a signal to the bank process: SIGSTOP freezes it (connections open, nothing answers), SIGCONT thaws it. */
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/**
 * Runs the sandbox bank in a child process (`node --import tsx local/sandbox-bank/main.ts`) and resolves
 * with its issuer. For callers that cannot load oidc-provider themselves: it is ESM only, and jest's
 * CommonJS transform cannot import it in-process.
 */
export async function spawnSandboxBank(options: {
  client: SandboxClient;
  port?: number;
}): Promise<SandboxBankProcess> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', ENTRY], {
    cwd: REPOSITORY_ROOT,
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      CLIENT_ID: options.client.clientId,
      CLIENT_SECRET: options.client.clientSecret,
      REDIRECT_URIS: options.client.redirectUris.join(','),
    },
    // The IPC channel lets the bank notice when this process dies without stopping it (main.ts).
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const issuer = await waitForIssuer(child);
  return { issuer, signal: (signal) => child.kill(signal), stop: () => stop(child) };
}

function waitForIssuer(child: ChildProcess): Promise<string> {
  const stderrTail: string[] = [];
  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
    });
  }
  return new Promise((resolvePromise, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`The sandbox bank did not start: ${reason}\n${stderrTail.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`no issuer within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once('exit', (code, signal) => fail(`it exited (${signal ?? code})`));
    if (!child.stdout) return fail('no stdout');
    // Reading every line also keeps the pipe drained for the life of the process.
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith(ISSUER_LINE_PREFIX)) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolvePromise(line.slice(ISSUER_LINE_PREFIX.length).trim());
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}
