import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROUTES } from '../functions/routes';
import { EXPIRY_SWEEPER } from '../functions/scheduled-functions';

export const SAM_ENV_FILE = path.join('.local', 'sam-env.json');

/**
 * The `--env-vars` file for `sam local invoke`: per function logical id, the environment the local
 * stack runs the handlers with. The secret ARNs are blanked so the functions use the local secrets.
 */
export function samEnvVars(environment: Record<string, string>): Record<string, Record<string, string>> {
  const local = {
    ...environment,
    QUARTZ_LIVE_CLIENT_SECRET_ARN: '',
    QUARTZ_TEST_CLIENT_SECRET_ARN: '',
    PAGE_KEY_SECRET_ARN: '',
  };
  return Object.fromEntries([...ROUTES, EXPIRY_SWEEPER].map((fn) => [`${fn.id}Function`, local]));
}

export function writeSamEnvFile(root: string, environment: Record<string, string>): string {
  const file = path.join(root, SAM_ENV_FILE);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(samEnvVars(environment), null, 2)}\n`);
  return file;
}
