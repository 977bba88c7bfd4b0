import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { STACK_NAME } from './sam-invocation';

/** The parts of a synthesized `AWS::Lambda::Function` that running it needs. */
const templateFunctionSchema = z.object({
  Type: z.literal('AWS::Lambda::Function'),
  Properties: z.object({
    Handler: z.string().min(1),
    Runtime: z.string().regex(/^nodejs\d+\.x$/, 'a Node.js runtime (nodejsNN.x)'),
    // CloudFormation's defaults when a template leaves them out.
    Timeout: z.number().int().positive().default(3),
    MemorySize: z.number().int().positive().default(128),
    Environment: z
      .object({ Variables: z.record(z.string(), z.unknown()).default({}) })
      .default({ Variables: {} }),
    LoggingConfig: z
      .object({ LogFormat: z.enum(['JSON', 'Text']).optional(), ApplicationLogLevel: z.string().optional() })
      .default({}),
  }),
  // CDK's pointer to the function's bundle in the cloud assembly, which SAM reads as well.
  Metadata: z.object({ 'aws:asset:path': z.string().min(1) }),
});

const templateSchema = z.object({ Resources: z.record(z.string(), z.unknown()) });

/** A function of the template, with its code located on disk. */
export interface TemplateFunction {
  /** The logical id, which also serves as the function's name (as in `sam local invoke`). */
  id: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memorySize: number;
  /** The template's values: strings, or intrinsics (`{ Ref: … }`) only CloudFormation resolves. */
  variables: Record<string, unknown>;
  logFormat: 'JSON' | 'Text';
  logLevel?: string;
  /** The unpacked bundle: LAMBDA_TASK_ROOT. */
  codeDir: string;
}

export const templateFileIn = (outdir: string): string => path.join(outdir, `${STACK_NAME}.template.json`);

/** Reads one function of the synthesized stack in `outdir`; throws naming what is missing. */
export function readTemplateFunction(outdir: string, id: string): TemplateFunction {
  const file = templateFileIn(outdir);
  const template = templateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const resource = template.Resources[id];
  if (resource === undefined) throw new Error(`${file} has no resource ${id}`);
  const parsed = templateFunctionSchema.safeParse(resource);
  if (!parsed.success) {
    throw new Error(
      `${id} in ${file} is not a Node.js function with a local bundle:\n${z.prettifyError(parsed.error)}`,
    );
  }
  const { Properties: properties, Metadata: metadata } = parsed.data;
  const codeDir = path.resolve(outdir, metadata['aws:asset:path']);
  // NodejsFunction bundles into a folder of the cloud assembly; a zip asset would need unpacking.
  if (!statSync(codeDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`The code of ${id} (${codeDir}) is not a folder: synthesize again (npm run synth).`);
  }
  return {
    id,
    handler: properties.Handler,
    runtime: properties.Runtime,
    timeoutSeconds: properties.Timeout,
    memorySize: properties.MemorySize,
    variables: properties.Environment.Variables,
    logFormat: properties.LoggingConfig.LogFormat ?? 'Text',
    ...(properties.LoggingConfig.ApplicationLogLevel
      ? { logLevel: properties.LoggingConfig.ApplicationLogLevel }
      : {}),
    codeDir,
  };
}
