import { type ChildProcess, spawn } from 'node:child_process';
import type { WarmCall, WarmCallResult, WarmWorkerSetup } from './warm-worker';

/** A warm worker (warm-worker.ts) in its own process, called one request at a time. */
export class WarmWorker {
  private nextId = 0;
  private readonly pending = new Map<number, (result: WarmCallResult) => void>();
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4_000);
    });
    child.on('message', (message: WarmCallResult) => {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
  }

  static start(
    script: string,
    setup: WarmWorkerSetup,
    env: NodeJS.ProcessEnv,
    nodeFlags: string[],
  ): Promise<WarmWorker> {
    const child = spawn(process.execPath, [...nodeFlags, script, JSON.stringify(setup)], {
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const worker = new WarmWorker(child);
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`The warm worker exited (${code}) before it was ready:\n${worker.stderr}`));
      child.once('exit', onExit);
      child.once('message', () => {
        child.off('exit', onExit);
        child.on('exit', (code) => {
          for (const resolvePending of worker.pending.values())
            resolvePending({
              id: -1,
              ms: 0,
              cpuUs: 0,
              statusCode: 0,
              logBytes: 0,
              error: `worker exited (${code}): ${worker.stderr}`,
            });
          worker.pending.clear();
        });
        resolve(worker);
      });
    });
  }

  call(target: WarmCall['target'], event: unknown, wantBody = false): Promise<WarmCallResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ id, target, event, wantBody } satisfies WarmCall);
    });
  }

  close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    return exited;
  }
}

export interface ColdStartResult {
  readyMs: number;
  firstInvocationMs: number;
  statusCode: number;
}

/** One cold start (cold-start-runner.ts): a fresh process that loads the bundle and is invoked once. */
export function coldStart(
  script: string,
  job: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  nodeFlags: string[],
): Promise<ColdStartResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, script, JSON.stringify(job)], {
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let result = '';
    let stderr = '';
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      result += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || !result) reject(new Error(`A cold start failed (exit ${code}):\n${stderr}`));
      else resolve(JSON.parse(result) as ColdStartResult);
    });
  });
}
