import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Architecture } from './prices';

/** What the stack deploys a route's function with, read off the CDK stack (lib/). */
export interface FunctionSettings {
  memoryMb: number;
  architecture: Architecture;
  /** Lambda's runtime name, e.g. `nodejs24.x`. */
  runtime: string;
  timeoutSeconds: number;
  /** The function's environment variables whose values are literals (NODE_OPTIONS, Powertools'…). */
  literalVariables: Record<string, string>;
}

const ROOT = path.resolve(__dirname, '../..');

/** Each route function's settings by route id, from a child process that builds the stack. */
export function readFunctionSettings(): Promise<Record<string, FunctionSettings>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(__dirname, 'function-settings-cli.ts')],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(`Reading the functions' settings from the stack failed: ${stderr || error.message}`),
          );
          return;
        }
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, FunctionSettings>);
      },
    );
  });
}
