import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { samEnvVars } from '../../../local/sam-env';
import { type InvokeResult, invokeFunction } from '../../../scripts/invoke-function';
import { ensureRuntimeClient } from '../../../scripts/invoke-runtime-client';
import { synthesizeForLocalRun, synthReason } from '../../../scripts/invoke-synth';
import type { TemplateFunction } from '../../../scripts/invoke-template';
import { approveAtBank } from '../../support/bank-session';
import { type RunningStack, startStackProcess } from '../../support/local-stack-process';

const ROOT = path.resolve(__dirname, '../../..');

// The runtime client is installed on first use (a native build of about 80 s; longer on a busy
// machine) and reused afterwards. Without it, or without the tools to build it, every test here
// fails with the reason: the command is part of the project, so its test does not skip.
let runtimeClient: string;
beforeAll(async () => {
  runtimeClient = await ensureRuntimeClient(ROOT, () => undefined);
}, 900_000);

describe('npm run invoke, against a running local stack', () => {
  let scratch: string;
  let outdir: string;
  let envVarsFile: string;
  let stack: RunningStack;

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'invoke-command-'));
    // A synth of its own, so the test leaves cdk.out alone.
    outdir = path.join(scratch, 'cdk.out');
    synthesizeForLocalRun(ROOT, outdir);
    stack = await startStackProcess();
    // What an interactive `npm start` writes to .local/sam-env.json.
    envVarsFile = path.join(scratch, 'sam-env.json');
    writeFileSync(envVarsFile, JSON.stringify(samEnvVars(stack.environment)));
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const invoke = async (args: string[]) => {
    const run = await runCommand([...args, '--output', outdir, '--env-vars', envVarsFile]);
    if (run.code !== 0) throw new Error(`invoke ${args.join(' ')} exited with ${run.code}:\n${run.stderr}`);
    const result = JSON.parse(run.stdout) as APIGatewayProxyResult;
    return { statusCode: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> };
  };

  it('uses the synthesized template as it is: nothing changed since its synth', () => {
    expect(synthReason(ROOT, outdir)).toBeUndefined();
  });

  it('create, with events/create-intent.json, answers 200 with a new test intent', async () => {
    const { statusCode, body } = await invoke(['create']);

    expect(statusCode).toBe(200);
    expect(body).toMatchObject({
      accountId: stack.accountId,
      type: 'quartz-accounts',
      status: 'created',
      test: true,
      createdBy: `crn:${stack.accountId}:api-key:sam-events`,
    });
    expect(String(body.authorizationUrl).startsWith(`${stack.testIssuer}/auth?`)).toBe(true);
  }, 180_000);

  it('authorize, with the id and the code of an intent approved at the bank, answers 200 {}', async () => {
    const created = await invoke(['create']);
    const intent = created.body as { id: string; authorizationUrl: string };
    const { code } = await approveAtBank(intent.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-1'],
    });
    const event = JSON.parse(
      readFileSync(path.join(ROOT, 'events/authorize-intent.json'), 'utf8'),
    ) as APIGatewayProxyEvent;
    event.path = `/api/bank-account-connection-intents/${intent.id}/authorize`;
    event.pathParameters = { bankAccountConnectionIntentId: intent.id };
    event.body = JSON.stringify({ code });
    const eventFile = path.join(scratch, 'authorize-intent.json');
    writeFileSync(eventFile, JSON.stringify(event));

    const { statusCode, body } = await invoke(['authorize', eventFile]);

    expect(statusCode).toBe(200);
    expect(body).toEqual({});
  }, 180_000);

  it('authorize, with events/authorize-intent.json as it is, answers 403 Forbidden (no such intent)', async () => {
    const { statusCode, body } = await invoke(['authorize']);

    expect(statusCode).toBe(403);
    expect(body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'Forbidden' });
  }, 180_000);

  it('without the local stack’s env file, says to start the local stack', async () => {
    const run = await runCommand([
      'create',
      '--env-vars',
      path.join(scratch, 'absent.json'),
      '--output',
      outdir,
    ]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('start the local stack first (npm start)');
  }, 60_000);
});

describe('the runtime client, on functions that fail', () => {
  let codeDir: string;
  const logs = new PassThrough();
  let logged = '';
  logs.on('data', (chunk: Buffer) => {
    logged += chunk.toString();
  });

  beforeAll(() => {
    codeDir = mkdtempSync(path.join(tmpdir(), 'invoke-function-'));
    writeFileSync(
      path.join(codeDir, 'index.mjs'),
      [
        'export const context = async (event, context) => {',
        "  console.log('called with', event.n);",
        '  return { n: event.n, remaining: context.getRemainingTimeInMillis(), name: context.functionName,',
        '    memory: context.memoryLimitInMB, greeting: process.env.GREETING };',
        '};',
        "export const fails = async () => { throw new TypeError('boom'); };",
        'export const slow = () => new Promise((resolve) => setTimeout(resolve, 600_000));',
      ].join('\n'),
    );
    writeFileSync(path.join(codeDir, 'broken.mjs'), "throw new Error('cannot start');\n");
  });

  afterAll(() => rmSync(codeDir, { recursive: true, force: true }));

  const run = (handler: string, timeoutSeconds = 300): Promise<InvokeResult> => {
    const fn: TemplateFunction = {
      id: 'ProbeFunction',
      handler,
      runtime: 'nodejs24.x',
      timeoutSeconds,
      memorySize: 256,
      variables: { GREETING: 'hello' },
      logFormat: 'JSON',
      codeDir,
    };
    return invokeFunction({
      fn,
      variables: { GREETING: 'hello' },
      payload: JSON.stringify({ n: 7 }),
      runtimeClient,
      settings: { region: 'us-east-1', credentials: {}, path: process.env.PATH ?? '' },
      logs,
    });
  };

  it('gives the handler the event, a context from the template, its variables, and JSON logs', async () => {
    const result = await run('index.context');

    expect(result.kind).toBe('response');
    const answer = JSON.parse(result.payload) as Record<string, unknown>;
    expect(answer).toMatchObject({ n: 7, name: 'ProbeFunction', memory: '256', greeting: 'hello' });
    expect(answer.remaining).toBeGreaterThan(0);
    expect(answer.remaining).toBeLessThanOrEqual(300_000);
    const line = logged.split('\n').find((candidate) => candidate.includes('called with'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      level: 'INFO',
      requestId: result.requestId,
      message: 'called with 7',
    });
  }, 120_000);

  it('reports an error the handler throws, with its type', async () => {
    const result = await run('index.fails');

    expect(result).toMatchObject({ kind: 'error', errorType: 'TypeError' });
    expect(JSON.parse(result.payload)).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom' });
  }, 120_000);

  it('stops a function that outlives its timeout, as Lambda does', async () => {
    const result = await run('index.slow', 1);

    expect(result).toMatchObject({ kind: 'timeout', errorType: 'Sandbox.Timedout' });
    expect(JSON.parse(result.payload).errorMessage).toContain('Task timed out after 1.00 seconds');
  }, 120_000);

  it('reports a module that fails to load as an init error', async () => {
    const result = await run('broken.handler');

    expect(result).toMatchObject({ kind: 'init-error', errorType: 'Error' });
    expect(JSON.parse(result.payload)).toMatchObject({ errorMessage: 'cannot start' });
  }, 120_000);
});

function runCommand(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/invoke.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
