import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROUTES } from '../functions/routes';
import { SAM_LOCAL_VARIABLES } from '../lib/intents-stack';
import { templateFileIn } from './invoke-template';

/** What a synth reads: cdk.json's watch list (bin, lib, functions), the lock, and the CDK settings. */
const SYNTH_INPUTS = ['bin', 'lib', 'functions', 'package-lock.json', 'cdk.json', 'cdk.context.json'];

/**
 * Why the template in `outdir` cannot be run as it is, or undefined when it can: it is missing, was
 * synthesized without `-c samLocal=true` (so it does not declare the variables a local run fills),
 * or is older than one of the synth's inputs.
 */
export function synthReason(root: string, outdir: string): string | undefined {
  const file = templateFileIn(outdir);
  const template = statSync(file, { throwIfNoEntry: false });
  if (!template) return `no template at ${path.relative(root, file) || file} yet`;
  if (!declaresLocalVariables(readFileSync(file, 'utf8'))) {
    return 'the template was synthesized without -c samLocal=true';
  }
  const changed = SYNTH_INPUTS.map((input) => newestFile(path.join(root, input))).find(
    (newest) => newest && newest.mtimeMs > template.mtimeMs,
  );
  return changed ? `${path.relative(root, changed.file)} changed since the last synth` : undefined;
}

/** Synthesizes the stack as `npm run sam:invoke` does, into `outdir`; its output only on failure. */
export function synthesizeForLocalRun(root: string, outdir: string): void {
  const synth = spawnSync(
    'npx',
    ['cdk', 'synth', '-c', 'samLocal=true', '--quiet', '--no-notices', '-o', outdir],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
    },
  );
  if (synth.status !== 0) {
    throw new Error(
      `cdk synth failed (exit ${synth.status ?? synth.signal}):\n${synth.stdout}${synth.stderr}`,
    );
  }
}

/**
 * Whether the route functions (the ones a local run invokes) declare the variables a local run fills.
 * The publisher of events is no route: Lambda feeds it from the table's stream, and the local stack
 * runs it on DynamoDB Local's stream itself.
 */
function declaresLocalVariables(templateText: string): boolean {
  const resources = (JSON.parse(templateText) as { Resources?: Record<string, unknown> }).Resources ?? {};
  const routeFunctionIds = new Set<string>(ROUTES.map((route) => `${route.id}Function`));
  const functions = Object.entries(resources)
    .filter(([logicalId]) => routeFunctionIds.has(logicalId))
    .map(([, resource]) => resource)
    .filter(
      (resource): resource is { Properties?: { Environment?: { Variables?: Record<string, unknown> } } } =>
        (resource as { Type?: unknown } | null)?.Type === 'AWS::Lambda::Function',
    );
  return (
    functions.length === routeFunctionIds.size &&
    functions.every((fn) =>
      SAM_LOCAL_VARIABLES.every((name) => name in (fn.Properties?.Environment?.Variables ?? {})),
    )
  );
}

function newestFile(entry: string): { file: string; mtimeMs: number } | undefined {
  const stats = statSync(entry, { throwIfNoEntry: false });
  if (!stats) return undefined;
  if (!stats.isDirectory()) return { file: entry, mtimeMs: stats.mtimeMs };
  let newest: { file: string; mtimeMs: number } | undefined;
  for (const child of readdirSync(entry)) {
    const candidate = newestFile(path.join(entry, child));
    if (candidate && (!newest || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}
