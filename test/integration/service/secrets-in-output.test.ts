import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../../functions/shared/domain/hashing';
import { QuartzClient } from '../../../functions/shared/provider/quartz-client';
import { type ApproveOptions, approveAtBank } from '../../support/bank-session';
import { leaveIntentBehind } from '../../support/leave-intent-behind';
import {
  type RunningStack,
  STACK_START_TIMEOUT_MS,
  startStackProcess,
} from '../../support/local-stack-process';
import { ServiceClient } from '../../support/service-client';

// Runs the connection flows, the failing ones included, against a local stack whose every line of
// output is kept, and looks in that output for each secret the flows used. Only what the stack
// printed after its summary is scanned: that one line hands the stack's own key and client secrets
// to the test, as the banner of `npm start` shows a person the demo key.

type SecretKind = 'API key' | 'client secret' | 'authorization code' | 'PKCE verifier' | 'access token';
interface Secret {
  kind: SecretKind;
  value: string;
  /** Other spellings the value travels in (a Basic authorization header, a URL, a JSON string). */
  forms: string[];
}

const secrets: Secret[] = [];
let printedAfterSummary = '';

function keep(kind: SecretKind, value: string | undefined, ...forms: string[]): void {
  if (!value) throw new Error(`no ${kind} to keep`);
  secrets.push({
    kind,
    value,
    forms: [encodeURIComponent(value), JSON.stringify(value).slice(1, -1), ...forms],
  });
}

/** Where a secret of the kind shows up in the output: its position and spelling, never its value. */
function sightings(kind: SecretKind): string[] {
  return secrets
    .filter((secret) => secret.kind === kind)
    .flatMap((secret, index) =>
      [secret.value, ...secret.forms]
        .map((form, formIndex) => ({ form, formIndex, at: printedAfterSummary.indexOf(form) }))
        .filter(({ at }) => at >= 0)
        .map(({ formIndex, at }) => `${kind} #${index + 1}, spelling ${formIndex}, at character ${at}`),
    );
}

/** The flows, each through the API and the sandbox bank as a client and its user would go. */
async function runFlows(stack: RunningStack): Promise<void> {
  const api = new ServiceClient(stack);
  const env = stack.environment;
  keep('API key', stack.apiKey);
  for (const config of ['LIVE', 'TEST']) {
    const clientId = env[`QUARTZ_${config}_CLIENT_ID`] ?? '';
    const secret = env[`QUARTZ_${config}_CLIENT_SECRET`];
    // client_secret_basic: both parts form-encoded, then base64.
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret ?? '')}`);
    keep('client secret', secret, basic.toString('base64'));
  }

  /** Creates an intent, keeps its PKCE verifier (read from the table), and takes it through the bank. */
  const atBank = async (body: Record<string, unknown>, approve: ApproveOptions) => {
    const created = await api.createIntent({ accountId: stack.accountId, ...body });
    expect(created.status).toBe(200);
    const intent = created.body as { id: string; authorizationUrl: string };
    // The verifier lives only in the intent's item, from create until the code is redeemed.
    const verifier = (await api.intents.get(intent.id))?.oauth?.codeVerifier ?? '';
    keep('PKCE verifier', verifier);
    const { code } = await approveAtBank(intent.authorizationUrl, approve);
    keep('authorization code', code);
    return { id: intent.id, code, verifier };
  };

  // Connections that succeed, in both configurations, and a payment consent.
  for (const test of [true, false]) {
    const flow = await atBank(
      { type: 'quartz-accounts', test },
      { user: 'alice', accounts: ['acc-alice-2'] },
    );
    expect((await api.authorize(flow.id, flow.code)).status).toBe(200);
  }
  const [savings] = (await api.bankAccounts.listByAccount(stack.accountId)).filter((account) => account.test);
  const payment = await atBank(
    { type: 'quartz-payment', test: true, bankAccountId: savings?.id },
    { user: 'alice' },
  );
  expect((await api.authorize(payment.id, payment.code)).status).toBe(200);

  // The user denies: the bank refuses the code.
  const denied = await atBank({ type: 'quartz-accounts', test: true }, { user: 'dan', decision: 'deny' });
  expect((await api.authorize(denied.id, denied.code)).body).toMatchObject({
    message: 'AUTHORIZATION_FAILED',
  });

  // The bank is down on the first redemption, then answers.
  const outage = await atBank({ type: 'quartz-accounts', test: true }, { user: 'olive' });
  expect((await api.authorize(outage.id, outage.code)).body).toMatchObject({
    message: 'PROVIDER_UNAVAILABLE',
  });
  expect((await api.authorize(outage.id, outage.code)).status).toBe(200);

  // A code the bank never issued.
  const unknown = await atBank({ type: 'quartz-accounts', test: true }, { user: 'alice' });
  const forged = randomBytes(32).toString('base64url');
  keep('authorization code', forged);
  expect((await api.authorize(unknown.id, forged)).body).toMatchObject({ message: 'AUTHORIZATION_FAILED' });

  // An access token the service holds: a call that died after saving the grant left it on the
  // intent (redeemed here as the service redeems it), and the next call reads the accounts with it.
  const resumed = await atBank(
    { type: 'quartz-accounts', test: true },
    { user: 'alice', accounts: ['acc-alice-3'] },
  );
  const quartz = new QuartzClient({
    issuer: stack.testIssuer,
    clientId: env.QUARTZ_TEST_CLIENT_ID ?? '',
    redirectUri: env.QUARTZ_TEST_REDIRECT_URI ?? '',
    clientSecret: async () => env.QUARTZ_TEST_CLIENT_SECRET ?? '',
  });
  const { accessToken } = await quartz.redeemCode(resumed.code, resumed.verifier, 'accounts');
  keep('access token', accessToken);
  await leaveIntentBehind(stack, resumed.id, {
    claim: { id: 'died', codeHash: sha256Hex(resumed.code), expiresAt: Date.now() - 1_000 },
    grant: { codeHash: sha256Hex(resumed.code), accessToken },
  });
  expect((await api.authorize(resumed.id, resumed.code)).status).toBe(200);
  const finished = await api.intents.get(resumed.id);
  expect(finished?.status).toBe('authorized');
  expect(finished?.grant).toBeUndefined();
}

beforeAll(async () => {
  // Every level the service's logger has, so that no debug line goes unscanned.
  const stack = await startStackProcess([], { env: { POWERTOOLS_LOG_LEVEL: 'DEBUG' } });
  try {
    await runFlows(stack);
  } finally {
    // Stopped before reading, so that everything it printed (shutdown included) is there.
    await stack.stop();
  }
  const printed = stack.output();
  printedAfterSummary = printed.slice(printed.indexOf(stack.summaryLine) + stack.summaryLine.length);
}, STACK_START_TIMEOUT_MS + 240_000);

describe('the output of a local stack that ran every flow', () => {
  it('holds the logs of the failing flows (the scan is not of an empty text)', () => {
    expect(printedAfterSummary.trim()).not.toBe('');
  });

  it.each<[SecretKind]>([
    ['API key'],
    ['client secret'],
    ['authorization code'],
    ['PKCE verifier'],
    ['access token'],
  ])('holds no %s the flows used', (kind) => {
    expect(secrets.filter((secret) => secret.kind === kind).length).toBeGreaterThan(0);

    expect(sightings(kind)).toEqual([]);
  });
});
