import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newId } from '../../../functions/shared/domain/ids';
import type { ConnectionIntent } from '../../../functions/shared/domain/schemas';
import { callbackPage } from '../../../local/callback-page';
import { createLocalApi } from '../../../local/local-api';
import { bankAccountView, errorReply, FakeApi, intentView } from './page-fakes';

const NOW = Date.parse('2026-11-25T10:00:00.000Z');

let server: Server;
let baseUrl: string;
let api: FakeApi;
let stored: Map<string, ConnectionIntent>;
let now: number;

beforeAll(async () => {
  server = createLocalApi({
    routes: [],
    handlers: {},
    pages: [
      callbackPage({
        api: {
          authorize: (...args) => api.authorize(...args),
          getIntent: (...args) => api.getIntent(...args),
          getBankAccount: (...args) => api.getBankAccount(...args),
        },
        intents: { get: async (id) => stored.get(id) },
        now: () => now,
      }),
    ],
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  api = new FakeApi();
  stored = new Map();
  now = NOW;
});

/** An intent waiting for the bank, as the table holds it, and its view once authorized. */
function pendingIntent(fields: Partial<ConnectionIntent> = {}): ConnectionIntent {
  const id = newId();
  const intent: ConnectionIntent = {
    id,
    accountId: 'uooxSens6ykJaim1Cu1Q55',
    type: 'quartz-accounts',
    status: 'created',
    createdAt: '2026-11-25T10:00:00.000Z',
    createdBy: 'crn:uooxSens6ykJaim1Cu1Q55:api-key:demo',
    updatedAt: '2026-11-25T10:00:00.000Z',
    updatedBy: 'crn:uooxSens6ykJaim1Cu1Q55:api-key:demo',
    authorizationUrl: 'http://127.0.0.1:1/auth',
    test: true,
    oauth: { state: `${id}.${newId()}`, codeVerifier: 'v' },
    ...fields,
  };
  stored.set(id, intent);
  return intent;
}

function finish(fields: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl}/callback/finish`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
}

describe('the callback page', () => {
  it('shows the landing page for the state bound to a pending intent', async () => {
    const intent = pendingIntent();

    const response = await fetch(
      `${baseUrl}/callback?code=c1&state=${intent.oauth?.state}&iss=http%3A%2F%2Fbank`,
    );

    const page = await response.text();
    expect(response.status).toBe(200);
    expect(page).toContain('data-testid="landing"');
    expect(page).toContain(`<input type="hidden" name="state" value="${intent.oauth?.state}">`);
    expect(page).toContain('<input type="hidden" name="iss" value="http://bank">');
  });

  it.each([
    ['a state whose random part differs', (intent: ConnectionIntent) => `${intent.id}.forged`],
    ['a state naming no intent', () => `${newId()}.x`],
    ['a state that is not an id', () => 'a'.repeat(3_000)],
    ['no state', () => ''],
  ])('refuses %s, on the landing and the finish alike, without posting the code', async (_what, stateOf) => {
    const state = stateOf(pendingIntent());

    const landing = await fetch(`${baseUrl}/callback?code=c1&state=${state}`);
    const finished = await finish({ code: 'c1', state });

    for (const response of [landing, finished]) {
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('data-outcome="unexpected-state"');
    }
    expect(api.authorizeCalls).toEqual([]);
  });

  it('posts the code, state and issuer of the form to authorize, then tells the outcome the intent reads', async () => {
    const intent = pendingIntent();
    const bankAccount = bankAccountView({ bankAccountName: 'Savings' });
    api.hold(bankAccount, intentView({ id: intent.id, bankAccountIds: [bankAccount.id] }));

    const response = await finish({ code: 'c1', state: intent.oauth?.state ?? '', iss: 'http://bank' });

    const page = await response.text();
    expect(api.authorizeCalls).toEqual([
      { intentId: intent.id, body: { code: 'c1', state: intent.oauth?.state, iss: 'http://bank' } },
    ]);
    expect(page).toContain('data-outcome="connected"');
    expect(page).toContain('<td>Savings</td>');
    expect(page).toContain('<code data-testid="authorize-status">200</code>');
  });

  it('a retry posted before its Retry-After is not sent; one after it is', async () => {
    const intent = pendingIntent();
    api.hold(intentView({ id: intent.id, bankAccountIds: [] }));
    api.authorizeReplies = [errorReply(502, 'PROVIDER_UNAVAILABLE', 5)];
    const state = intent.oauth?.state ?? '';

    const first = await (await finish({ code: 'c1', state })).text();
    const notBefore = /name="notBefore" value="(\d+)"/.exec(first)?.[1] ?? '';
    now = NOW + 4_001;
    const early = await (await finish({ code: 'c1', state, notBefore })).text();
    now = NOW + 5_000;
    const onTime = await (await finish({ code: 'c1', state, notBefore })).text();

    expect(first).toContain('data-cause="bank-unavailable"');
    expect(notBefore).toBe(String(NOW + 5_000));
    expect(early).toContain('data-cause="too-early"');
    expect(early).toContain('data-retry-after="1"');
    expect(onTime).toContain('data-outcome="connected"');
    expect(api.authorizeCalls).toHaveLength(2);
  });

  it('allows the retry page’s countdown script by its nonce, and no other script', async () => {
    const intent = pendingIntent();
    api.authorizeReplies = [errorReply(429, 'RATE_LIMIT_EXCEEDED', 12)];

    const response = await finish({ code: 'c1', state: intent.oauth?.state ?? '' });

    const page = await response.text();
    const nonce = /<script nonce="([^"]+)">/.exec(page)?.[1];
    expect(nonce).toMatch(/^[\w-]{20,}$/);
    expect(response.headers.get('content-security-policy')).toContain(`script-src 'nonce-${nonce}'`);
    expect(page).toContain('data-retry-after="12"');
  });

  it('pages without a script allow none', async () => {
    const response = await fetch(`${baseUrl}/callback?error=access_denied`);

    expect(response.headers.get('content-security-policy')).toContain("script-src 'none'");
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('tells a finished intent’s outcome on a later visit, and posts nothing for it', async () => {
    const intent = pendingIntent();
    stored.set(intent.id, { ...intent, status: 'failed', oauth: undefined, failureReason: 'access_denied' });
    api.hold(intentView({ id: intent.id, status: 'failed', failureReason: 'ACCESS_DENIED' }));

    const visit = await (await fetch(`${baseUrl}/callback?code=c1&state=${intent.oauth?.state}`)).text();
    const post = await (await finish({ code: 'c1', state: intent.oauth?.state ?? '' })).text();

    for (const page of [visit, post]) {
      expect(page).toContain('<h1 data-testid="headline">This connection had already finished</h1>');
      expect(page).toContain('<h2 data-testid="result">You declined at the bank</h2>');
    }
    expect(api.authorizeCalls).toEqual([]);
  });

  it('links a payment intent’s outcome to starting the same consent again', async () => {
    const intent = pendingIntent({ type: 'quartz-payment', bankAccountId: 'Bnk1111111111111111111' });

    const page = await (
      await fetch(`${baseUrl}/callback?error=access_denied&state=${intent.oauth?.state}`)
    ).text();

    expect(page).toContain(
      'href="/start?type=quartz-payment&amp;test=true&amp;bankAccountId=Bnk1111111111111111111" data-testid="start-again"',
    );
  });
});
