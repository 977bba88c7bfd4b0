import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import type { TemplateFunction } from './invoke-template';

/**
 * SAM CLI's `--env-vars` file: values per function logical id, and under `Parameters` values for
 * every function. The local stack writes one (local/sam-env.ts).
 */
export const envVarsFileSchema = z.record(
  z.string(),
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
);
export type EnvVarsFile = z.infer<typeof envVarsFileSchema>;

export function readEnvVarsFile(file: string): EnvVarsFile {
  return envVarsFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export interface FunctionVariables {
  variables: Record<string, string>;
  /** Variables whose template value is an intrinsic (`{ Ref: … }`) the file gave no value for. */
  unresolved: string[];
}

/**
 * The function's own variables, filled as `sam local invoke --env-vars` fills them: only variables
 * the template declares, each from the file's entry for the function, else its `Parameters`, else
 * the template. An intrinsic only CloudFormation can resolve becomes empty, as SAM makes it.
 */
export function functionVariables(fn: TemplateFunction, envVars: EnvVarsFile): FunctionVariables {
  const variables: Record<string, string> = {};
  const unresolved: string[] = [];
  for (const [name, templateValue] of Object.entries(fn.variables)) {
    const value = envVars[fn.id]?.[name] ?? envVars.Parameters?.[name] ?? templateValue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      variables[name] = String(value);
    } else {
      variables[name] = '';
      unresolved.push(name);
    }
  }
  return { variables, unresolved };
}

export interface RuntimeSettings {
  /** `host:port` of the Runtime API endpoint. */
  runtimeApi: string;
  region: string;
  /** The caller's AWS credentials, passed on as SAM passes on the shell's. */
  credentials: Partial<Record<'AWS_ACCESS_KEY_ID' | 'AWS_SECRET_ACCESS_KEY' | 'AWS_SESSION_TOKEN', string>>;
  /** PATH for the runtime's child processes, if any. */
  path: string;
}

/**
 * The environment Lambda gives a function's process: the reserved variables the runtime client and
 * the SDK read, set from the template, over the function's own variables (Lambda refuses a function
 * variable with a reserved name, so the reserved ones win).
 */
export function lambdaEnvironment(
  fn: TemplateFunction,
  variables: Record<string, string>,
  settings: RuntimeSettings,
): Record<string, string> {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    ...variables,
    ...settings.credentials,
    PATH: settings.path,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: settings.region,
    AWS_DEFAULT_REGION: settings.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_RUNTIME_API: settings.runtimeApi,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_NAME: fn.id,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    // The runtime client refuses to start without these two; nothing here ships logs anywhere.
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.id}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_LAMBDA_LOG_FORMAT: fn.logFormat,
    ...(fn.logLevel ? { AWS_LAMBDA_LOG_LEVEL: fn.logLevel } : {}),
    _HANDLER: fn.handler,
    LAMBDA_TASK_ROOT: fn.codeDir,
  };
}
