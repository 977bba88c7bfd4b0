import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ROUTES } from '../../../functions/routes';
import { SAM_LOCAL_VARIABLES } from '../../../lib/intents-stack';
import { samEnvVars } from '../../../local/sam-env';
import {
  eventFileOf,
  functionIdOf,
  SAM_TEMPLATE,
  STACK_NAME,
  samInvocation,
} from '../../../scripts/sam-invocation';
import { approveAtBank } from '../../support/bank-session';
import { lambdaContext } from '../../support/fixtures';
import { answerOf } from '../../support/hostile-transports';
import {
  type RunningStack,
  STACK_START_TIMEOUT_MS,
  startStackProcess,
} from '../../support/local-stack-process';
import { openApiValidator } from '../../support/openapi-validator';

const ROOT = path.resolve(__dirname, '../../..');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as T;

interface TemplateFunction {
  Type: string;
  Metadata?: Record<string, string>;
  Properties: { Handler: string; Environment: { Variables: Record<string, unknown> } };
}

describe('the synthesized template, as `npm run sam:invoke` synthesizes it', () => {
  let outdir: string;
  let resources: Record<string, TemplateFunction>;

  beforeAll(() => {
    // The script's synth, written to a scratch folder so the test leaves cdk.out alone.
    outdir = mkdtempSync(path.join(tmpdir(), 'sam-synth-'));
    const synth = spawnSync(
      'npx',
      ['cdk', 'synth', '-c', 'samLocal=true', '--quiet', '--no-notices', '-o', outdir],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
      },
    );
    if (synth.status !== 0) throw new Error(`cdk synth failed:\n${synth.stderr}`);
    resources = JSON.parse(readFileSync(path.join(outdir, `${STACK_NAME}.template.json`), 'utf8')).Resources;
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it.each(ROUTES.map((route) => [route.id, route] as const))(
    '%s: the function id the script invokes carries the bundle SAM runs',
    (_id, route) => {
      const fn = resources[functionIdOf(route)];

      expect(fn?.Type).toBe('AWS::Lambda::Function');
      expect(fn?.Properties.Handler).toBe('index.handler');
      const assetPath = fn?.Metadata?.['aws:asset:path'] ?? '';
      expect(assetPath).toMatch(/^asset\.[0-9a-f]{64}$/);
      const bundle = readFileSync(path.join(outdir, assetPath, 'index.mjs'), 'utf8');
      expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
      expect(Object.keys(fn?.Properties.Environment.Variables ?? {})).toEqual(
        expect.arrayContaining([...SAM_LOCAL_VARIABLES, 'TABLE_NAME']),
      );
      expect(Object.keys(samEnvVars({}))).toContain(functionIdOf(route));
    },
  );

  it.each(ROUTES.map((route) => [route.handlerDir, route] as const))(
    'the README and the script name the same command for %s',
    (handlerDir, route) => {
      const invocation = samInvocation(handlerDir);
      const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

      expect(invocation.args).toEqual(
        expect.arrayContaining(['-t', SAM_TEMPLATE, functionIdOf(route), '-e', eventFileOf(route)]),
      );
      expect(readme).toContain(`npm run sam:invoke -- ${handlerDir}`);
      expect(readme).toContain(
        `sam local invoke -t ${SAM_TEMPLATE} ${functionIdOf(route)} -e ${eventFileOf(route)}`,
      );
      expect(existsSync(path.join(ROOT, eventFileOf(route)))).toBe(true);
    },
  );
});

describe('the event files, fed to the handlers in-process against the local stack', () => {
  let stack: RunningStack;
  const saved = { ...process.env };

  beforeAll(async () => {
    stack = await startStackProcess();
    // The handlers read the same environment the local stack (and the SAM env file) gives them.
    Object.assign(process.env, stack.environment);
  }, STACK_START_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    process.env = saved;
    await stack?.stop();
  });

  const invoke = async (handlerDir: string, event: APIGatewayProxyEvent) => {
    const module = (await import(`../../../functions/${handlerDir}/handler`)) as {
      buildHandler: () => (e: APIGatewayProxyEvent, c: unknown) => Promise<unknown>;
    };
    const result = (await module.buildHandler()(event, lambdaContext())) as APIGatewayProxyResult;
    return { statusCode: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> };
  };

  it.each(ROUTES.map((route) => [eventFileOf(route), route] as const))(
    "%s, fed to its route's handler, answers as the OpenAPI document says, 200 or 403",
    async (file, route) => {
      const module = (await import(`../../../functions/${route.handlerDir}/handler`)) as {
        buildHandler: () => (e: APIGatewayProxyEvent, c: unknown) => Promise<unknown>;
      };

      const result = (await module.buildHandler()(readJson(file), lambdaContext())) as APIGatewayProxyResult;

      expect(openApiValidator().violationsOf(route.id, answerOf(result))).toEqual([]);
      expect([200, 403]).toContain(result.statusCode);
    },
  );

  it('events/create-intent.json creates a test intent for the demo account (200)', async () => {
    const event = readJson<APIGatewayProxyEvent>('events/create-intent.json');

    const { statusCode, body } = await invoke('create', event);

    expect(statusCode).toBe(200);
    expect(body).toMatchObject({
      accountId: stack.accountId,
      type: 'quartz-accounts',
      status: 'created',
      test: true,
      createdBy: `crn:${stack.accountId}:api-key:sam-events`,
    });
    expect(String(body.authorizationUrl).startsWith(`${stack.testIssuer}/auth?`)).toBe(true);
  });

  it('events/authorize-intent.json, with a real intent id and code put in, authorizes it (200 {})', async () => {
    const created = await invoke('create', readJson<APIGatewayProxyEvent>('events/create-intent.json'));
    const intent = created.body as { id: string; authorizationUrl: string };
    const { code } = await approveAtBank(intent.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-1'],
    });
    const event = readJson<APIGatewayProxyEvent>('events/authorize-intent.json');
    event.pathParameters = { bankAccountConnectionIntentId: intent.id };
    event.body = JSON.stringify({ code });

    const { statusCode, body } = await invoke('authorize', event);

    expect(statusCode).toBe(200);
    expect(body).toEqual({});
  });

  it('events/get-intent.json names an intent the stack does not hold (403 Forbidden); with a real id, answers it', async () => {
    const event = readJson<APIGatewayProxyEvent>('events/get-intent.json');
    const missing = await invoke('get-intent', event);
    const created = await invoke('create', readJson<APIGatewayProxyEvent>('events/create-intent.json'));
    const id = String(created.body.id);
    event.pathParameters = { bankAccountConnectionIntentId: id };

    const found = await invoke('get-intent', event);

    expect(missing).toMatchObject({ statusCode: 403, body: { message: 'Forbidden' } });
    expect(found).toMatchObject({ statusCode: 200, body: { id, status: 'created' } });
  });

  it("events/list-intents.json lists the demo account's intents (200)", async () => {
    await invoke('create', readJson<APIGatewayProxyEvent>('events/create-intent.json'));

    const { statusCode, body } = await invoke('list-intents', readJson('events/list-intents.json'));

    expect(statusCode).toBe(200);
    expect((body.items as unknown[]).length).toBeGreaterThan(0);
  });

  it('events/get-bank-account.json names a Bank Account the stack does not hold (403 Forbidden)', async () => {
    const { statusCode, body } = await invoke('get-bank-account', readJson('events/get-bank-account.json'));

    expect(statusCode).toBe(403);
    expect(body).toMatchObject({ message: 'Forbidden' });
  });

  it("events/list-bank-accounts.json lists the demo account's Bank Accounts (200)", async () => {
    const { statusCode, body } = await invoke(
      'list-bank-accounts',
      readJson('events/list-bank-accounts.json'),
    );

    expect(statusCode).toBe(200);
    expect(Array.isArray(body)).toBe(true);
  });

  it('events/authorize-intent.json names an intent the stack does not hold (403 Forbidden)', async () => {
    const event = readJson<APIGatewayProxyEvent>('events/authorize-intent.json');

    const { statusCode, body } = await invoke('authorize', event);

    expect(statusCode).toBe(403);
    expect(body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'Forbidden' });
  });
});
