import type { BankFaults } from '../../../local/sandbox-bank/faults';
import { approveAtBank, type BankRedirect } from '../../support/bank-session';
import { eventually } from '../../support/eventually';
import { useLocalStack } from '../../support/use-local-stack';

// The callback page and the start page of the local stack, over HTTP as a browser without
// scripts sees them: each outcome in words, only this intent's Bank Accounts, the retry after a
// bank outage held back until Retry-After, and a link to start again everywhere.
const local = useLocalStack();

interface PageAnswer {
  status: number;
  page: string;
}

async function createIntent(
  body: Record<string, unknown> = {},
): Promise<{ id: string; authorizationUrl: string }> {
  const created = await local.api.createIntent({
    accountId: local.stack.accountId,
    type: 'quartz-accounts',
    test: true,
    ...body,
  });
  expect(created.status).toBe(200);
  return created.body as { id: string; authorizationUrl: string };
}

async function visit(url: string): Promise<PageAnswer> {
  const response = await fetch(url);
  return { status: response.status, page: await response.text() };
}

/** Presses the landing page's Finish button (or a retry's), as the form posts it. */
async function finishOnPage(redirect: BankRedirect, extra: Record<string, string> = {}): Promise<PageAnswer> {
  const response = await fetch(`${local.stack.apiUrl}/callback/finish`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      state: redirect.state,
      code: redirect.code,
      iss: redirect.iss ?? '',
      ...extra,
    }),
  });
  return { status: response.status, page: await response.text() };
}

/** The text of the element carrying `data-testid="<id>"` (the pages' markup is plain). */
function testId(page: string, id: string): string | undefined {
  return new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(page)?.[1];
}

/** The Bank Accounts the outcome lists, by name. */
function listedNames(page: string): string[] {
  return [...page.matchAll(/<tr data-bank-account-id="[^"]+"><td>([^<]*)<\/td>/g)].map(
    ([, name]) => name ?? '',
  );
}

async function setBankFaults(faults: Partial<BankFaults>): Promise<void> {
  const response = await fetch(`${local.stack.testIssuer}/sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(response.status).toBe(200);
}

afterEach(async () => {
  await fetch(`${local.stack.testIssuer}/sandbox/faults`, { method: 'DELETE' });
});

describe('the callback page at the registered redirect URI', () => {
  it('connected: lists only this intent’s Bank Accounts while another intent of the account connected others', async () => {
    const other = await createIntent();
    const otherRedirect = await approveAtBank(other.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-1'],
    });
    expect((await local.api.authorize(other.id, otherRedirect.code)).status).toBe(200);
    const intent = await createIntent();
    const redirect = await approveAtBank(intent.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-2'],
    });
    expect(redirect.redirectUrl.startsWith(`${local.stack.apiUrl}/callback?`)).toBe(true);

    const landing = await visit(redirect.redirectUrl);
    const { status, page } = await finishOnPage(redirect);

    expect(testId(landing.page, 'code')).toBe(redirect.code);
    expect(landing.page).toContain('Finish connection');
    expect(status).toBe(200);
    expect(testId(page, 'headline')).toBe('Connected 1 Bank Account');
    expect(listedNames(page)).toEqual(['Savings']);
    expect(page).not.toContain('Everyday');
    expect(testId(page, 'intent-status')).toBe('authorized');
    expect(testId(page, 'authorize-status')).toBe('200');
    expect(page).toContain('href="/start?type=quartz-accounts&amp;test=true" data-testid="start-again"');
    expect(page).not.toMatch(/\{"/);
    // The account does hold both: a page listing the account's Bank Accounts would show Everyday.
    const held = (await local.api.listBankAccounts()).body as { bankAccountName: string }[];
    expect(held.map((account) => account.bankAccountName)).toEqual(
      expect.arrayContaining(['Everyday', 'Savings']),
    );
  });

  it('payment consent: names the Bank Account the consent is for', async () => {
    const accounts = await createIntent();
    const approved = await approveAtBank(accounts.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-3'],
    });
    await local.api.authorize(accounts.id, approved.code);
    const bills = ((await local.api.getIntent(accounts.id)).body.bankAccountIds as string[])[0] ?? '';
    const intent = await createIntent({ type: 'quartz-payment', bankAccountId: bills });
    const redirect = await approveAtBank(intent.authorizationUrl, { user: 'alice' });

    const { page } = await finishOnPage(redirect);

    expect(testId(page, 'headline')).toBe('Payment consent given');
    expect(testId(page, 'outcome-text')).toContain('payments from Bills (12-3456-7890123-02)');
    expect(testId(page, 'consent-bank-account')).toBe(bills);
    expect(page).toContain(
      `href="/start?type=quartz-payment&amp;test=true&amp;bankAccountId=${bills}" data-testid="start-again"`,
    );
  });

  it('denied: says the user declined, connected nothing, and links to start again', async () => {
    const intent = await createIntent();
    const redirect = await approveAtBank(intent.authorizationUrl, { user: 'dan', decision: 'deny' });

    const { page } = await finishOnPage(redirect);

    expect(testId(page, 'headline')).toBe('You declined at the bank');
    expect(testId(page, 'outcome-text')).toContain('No Bank Accounts were connected.');
    expect(testId(page, 'failure-reason')).toBe('ACCESS_DENIED');
    expect(testId(page, 'authorize-code')).toBe('AUTHORIZATION_FAILED');
    expect(page).not.toContain('data-testid="bank-accounts"');
    expect(testId(page, 'start-again')).toBe('Start again');
  });

  it('the bank’s ?error=access_denied: the same words, the bank’s text escaped, the intent left as it was', async () => {
    const intent = await createIntent();
    const state = new URL(intent.authorizationUrl).searchParams.get('state') ?? '';
    const query = new URLSearchParams({ error: 'access_denied', error_description: '<b>no</b>', state });

    const { page } = await visit(`${local.stack.apiUrl}/callback?${query}`);

    expect(testId(page, 'headline')).toBe('You declined at the bank');
    expect(page).toContain('&lt;b&gt;no&lt;/b&gt;');
    expect(page).not.toContain('<b>no</b>');
    expect((await local.api.getIntent(intent.id)).body.status).toBe('created');
  });

  it('bank unavailable: a retry held back until Retry-After, then the same code completes', async () => {
    const intent = await createIntent();
    const redirect = await approveAtBank(intent.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-1'],
    });
    await setBankFaults({ accountsStatus: 503 });
    const before = await local.api.bankStats(local.stack.testIssuer);

    const unavailable = await finishOnPage(redirect);
    await setBankFaults({});
    const notBefore = /name="notBefore" value="(\d+)"/.exec(unavailable.page)?.[1] ?? '';
    const early = await finishOnPage(redirect, { notBefore });
    const stillCreated = (await local.api.getIntent(intent.id)).body.status;
    let retried = early;
    await eventually(async () => {
      retried = await finishOnPage(redirect, { notBefore });
      return !retried.page.includes('data-cause="too-early"');
    }, 250);

    expect(testId(unavailable.page, 'headline')).toBe('The bank is unavailable');
    expect(testId(unavailable.page, 'authorize-status')).toBe('502');
    expect(testId(unavailable.page, 'authorize-code')).toBe('PROVIDER_UNAVAILABLE');
    expect(unavailable.page).toContain('data-testid="retry" data-retry-after="5"');
    expect(testId(unavailable.page, 'countdown')).toBe('You can retry in 5 s.');
    expect(early.page).toContain('data-cause="too-early"');
    expect(stillCreated).toBe('created');
    expect(Date.now()).toBeGreaterThanOrEqual(Number(notBefore));
    expect(testId(retried.page, 'headline')).toBe('Connected 1 Bank Account');
    expect(listedNames(retried.page)).toEqual(['Everyday']);
    // The code was redeemed once: the retry went on from the grant the first try saved.
    expect((await local.api.bankStats(local.stack.testIssuer)).redeemedCodes).toBe(before.redeemedCodes + 1);
  });

  it('the bank’s answer lost: the retry meets the code already used, and the page says the code was rejected', async () => {
    const intent = await createIntent();
    const redirect = await approveAtBank(intent.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-1'],
    });
    await setBankFaults({ tokenMalformed: true });

    const lost = await finishOnPage(redirect);
    await setBankFaults({});
    const notBefore = /name="notBefore" value="(\d+)"/.exec(lost.page)?.[1] ?? '';
    let retried = lost;
    await eventually(async () => {
      retried = await finishOnPage(redirect, { notBefore });
      return !retried.page.includes('data-cause="too-early"');
    }, 250);

    expect(testId(lost.page, 'headline')).toBe('The bank’s answer was lost');
    expect(testId(lost.page, 'authorize-code')).toBe('PROVIDER_ERROR');
    expect(testId(retried.page, 'headline')).toBe('The bank did not accept the authorization code');
    expect(testId(retried.page, 'failure-reason')).toBe('CODE_REJECTED');
  });

  it('already finished: a later visit, or the finish posted again, tells the outcome and sends nothing', async () => {
    const intent = await createIntent();
    const redirect = await approveAtBank(intent.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-2'],
    });
    await finishOnPage(redirect);
    const before = await local.api.bankStats(local.stack.testIssuer);

    const revisit = await visit(redirect.redirectUrl);
    const repost = await finishOnPage(redirect);

    for (const { page } of [revisit, repost]) {
      expect(testId(page, 'headline')).toBe('This connection had already finished');
      expect(testId(page, 'result')).toBe('Connected 1 Bank Account');
      expect(listedNames(page)).toEqual(['Savings']);
    }
    expect(await local.api.bankStats(local.stack.testIssuer)).toEqual(before);
  });

  it('refuses a response whose state is not bound to a pending intent, in HTML', async () => {
    const intent = await createIntent();

    const forged = await visit(`${local.stack.apiUrl}/callback?code=abc&state=${intent.id}.forged`);
    const notAnId = await visit(`${local.stack.apiUrl}/callback?code=abc&state=${'%3Cx%3E'.repeat(500)}`);

    for (const { status, page } of [forged, notAnId]) {
      expect(status).toBe(400);
      expect(testId(page, 'headline')).toBe(
        'This answer does not belong to a connection waiting for the bank',
      );
      expect(page).not.toContain('Finish connection');
    }
    expect(notAnId.page).not.toContain('<x>');
    expect((await local.api.getIntent(intent.id)).body.status).toBe('created');
  });
});

describe('the start page', () => {
  it('creates an intent and sends the browser to the bank', async () => {
    const start = await visit(local.stack.startUrl);

    const response = await fetch(local.stack.startUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ type: 'quartz-accounts', test: 'true' }),
    });

    expect(start.page).toContain('data-testid="start-accounts"');
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin).toBe(new URL(local.stack.testIssuer).origin);
    const intentId = location.searchParams.get('state')?.split('.')[0] ?? '';
    expect((await local.api.getIntent(intentId)).body).toMatchObject({ status: 'created', test: true });
  });

  it('a payment consent without a Bank Account: says what is missing, creates nothing', async () => {
    const response = await fetch(local.stack.startUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ type: 'quartz-payment' }),
    });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Choose a Bank Account');
  });
});
