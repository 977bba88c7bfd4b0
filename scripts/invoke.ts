import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROUTES } from '../functions/routes';
import { SAM_ENV_FILE } from '../local/sam-env';
import { functionVariables, readEnvVarsFile } from './invoke-environment';
import { type InvokeResult, invokeFunction } from './invoke-function';
import { ensureRuntimeClient } from './invoke-runtime-client';
import { synthesizeForLocalRun, synthReason } from './invoke-synth';
import { readTemplateFunction } from './invoke-template';
import { eventFileOf, functionIdOf } from './sam-invocation';

// `npm run invoke -- <create|authorize> [event file]`: runs the function of the synthesized template
// in AWS's Node.js runtime interface client against a Lambda Runtime API endpoint on loopback, with
// the environment of the local stack that `npm start` runs: `sam local invoke` without Docker.
// The function's logs go to stderr, its answer to stdout.
const ROOT = path.resolve(__dirname, '..');
const USAGE = `Usage: npm run invoke -- <${ROUTES.map((r) => r.handlerDir).join('|')}> [event file] [--env-vars <file>] [--output <cdk.out folder>]
       npm run invoke -- --install-only     installs the runtime client and exits`;

const log = (line: string) => process.stderr.write(`${line}\n`);
/** A file as the user would type it: relative inside the project, absolute elsewhere. */
const shown = (file: string) => (file.startsWith(`${ROOT}${path.sep}`) ? path.relative(ROOT, file) : file);

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine();
  } catch (error) {
    log(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values['install-only']) {
    await ensureRuntimeClient(ROOT, log);
    log('The runtime client is installed.');
    return 0;
  }
  const route = ROUTES.find((candidate) => candidate.handlerDir === positionals[0]);
  if (!route || positionals.length > 2) {
    log(`${positionals[0] ? `Unknown function "${positionals[0]}".\n` : ''}${USAGE}`);
    return 2;
  }
  const eventFile = path.resolve(positionals[1] ?? path.join(ROOT, eventFileOf(route)));
  const envVarsFile = path.resolve(values['env-vars'] ?? path.join(ROOT, SAM_ENV_FILE));
  const outdir = path.resolve(values.output ?? path.join(ROOT, 'cdk.out'));
  if (!existsSync(envVarsFile)) {
    log(`${shown(envVarsFile)} is missing: start the local stack first (npm start) in another terminal.`);
    return 1;
  }
  const payload = readFileSync(eventFile, 'utf8');
  try {
    JSON.parse(payload); // a malformed event fails here rather than inside the runtime
  } catch (error) {
    log(`${shown(eventFile)} is not JSON: ${(error as Error).message}`);
    return 2;
  }
  const envVars = readEnvVarsFile(envVarsFile);

  const runtimeClient = await ensureRuntimeClient(ROOT, log);
  const reason = synthReason(ROOT, outdir);
  if (reason) {
    log(`Synthesizing the stack with -c samLocal=true (${reason})`);
    synthesizeForLocalRun(ROOT, outdir);
  }
  const fn = readTemplateFunction(outdir, functionIdOf(route));
  const running = process.versions.node.split('.')[0];
  if (fn.runtime !== `nodejs${running}.x`) {
    log(
      `${fn.id} runs on ${fn.runtime}, this command on Node.js ${process.versions.node}: run it through npm.`,
    );
    return 1;
  }
  const { variables, unresolved } = functionVariables(fn, envVars);
  if (unresolved.length > 0) {
    log(`${shown(envVarsFile)} gives no value for ${unresolved.join(', ')}: left empty.`);
  }
  const dynamo = variables.AWS_ENDPOINT_URL_DYNAMODB;
  if (dynamo && !(await reachable(dynamo))) {
    log(
      `Nothing answers at ${dynamo}, the DynamoDB endpoint in ${shown(envVarsFile)}: is the local stack (npm start) still running?`,
    );
    return 1;
  }

  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const credentials = Object.fromEntries(
    (['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const).flatMap((name) => {
      const value = process.env[name];
      return value ? [[name, value]] : [];
    }),
  );
  log(`Invoking ${fn.handler} (${fn.runtime}) of ${fn.id} with ${shown(eventFile)}`);
  const started = Date.now();
  const result = await invokeFunction({
    fn,
    variables,
    payload,
    runtimeClient,
    settings: { region, credentials, path: process.env.PATH ?? '' },
    logs: process.stderr,
  });
  report(fn.id, result, Date.now() - started);
  process.stdout.write(`${result.payload}\n`);
  return result.kind === 'response' ? 0 : 1;
}

function parseCommandLine() {
  return parseArgs({
    allowPositionals: true,
    options: {
      'env-vars': { type: 'string' },
      output: { type: 'string' },
      'install-only': { type: 'boolean' },
    },
  });
}

function report(fnId: string, result: InvokeResult, durationMs: number): void {
  const outcome = result.kind === 'response' ? 'answered' : `failed (${result.errorType})`;
  log(
    `${fnId} ${outcome} in ${durationMs} ms, start of the runtime included; request id ${result.requestId}`,
  );
}

/** Whether anything accepts a TCP connection at the URL's host and port. */
function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 80) }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
