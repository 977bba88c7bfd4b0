import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PaymentConsentLimits } from '../../functions/shared/domain/ports';
import { QuartzProvider } from '../../functions/shared/provider/quartz-provider';
import { REDIRECT_URI, useSandboxBank } from '../integration/sandbox-bank/sandbox-bank-fixture';
import { launchChromium } from '../support/browser';
import { finalOutcome, pollUntilAnswered } from '../support/decoupled-polls';
import { bankAccount } from '../support/fixtures';

// A person at the sandbox bank in a real browser (Debian's Chromium driven by playwright-core): the
// consent page of a payment consent with limits, and the banking app answering a decoupled request.
// The service's own provider adapter makes both requests. Screenshots land in test-results/e2e/.
const SCREENSHOTS = path.resolve(__dirname, '../../test-results/e2e');

const sandbox = useSandboxBank();
let browser: Browser;
let provider: QuartzProvider;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});

beforeEach(() => {
  provider = new QuartzProvider({ live: sandbox.quartz, test: sandbox.quartz });
});

afterAll(async () => {
  await browser?.close();
});

async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const everyday = bankAccount({ accountNumber: '12-3456-7890123-00', providerAccountId: 'acc-alice-1' });
const limits: PaymentConsentLimits = { name: 'Groceries', period: 'daily', totalAmount: '50000' };

describe('payment consent limits and the banking app in a browser', () => {
  it("shows a payment consent's limits on the consent page, and the approval carries them back", async () => {
    const { authorizationUrl, codeVerifier } = await provider.beginAuthorization({
      test: true,
      type: 'quartz-payment',
      state: 'state-browser-limits',
      bankAccount: everyday,
      limits,
    });
    const page = await browser.newPage();
    await page.goto(authorizationUrl);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('sandbox');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Approve access');
    await expect(page.getByTestId('consent-name').textContent()).resolves.toBe('Groceries');
    await expect(page.getByTestId('consent-amount').textContent()).resolves.toBe('NZD 500.00');
    await expect(page.getByTestId('consent-period').textContent()).resolves.toBe('per day');
    await expect(page.locator('fieldset').textContent()).resolves.toContain('up to NZD 500.00 per day');
    await snap(page, 'limits-1-consent');

    // Nothing listens at the redirect URI: catch the navigation to it and take the code from its URL.
    const leaving = page.waitForRequest((request) => request.url().startsWith(REDIRECT_URI));
    await page.route(`${REDIRECT_URI}**`, (route) => route.fulfill({ status: 200, body: 'back at the app' }));
    await page.getByRole('button', { name: 'Approve' }).click();
    const code = new URL((await leaving).url()).searchParams.get('code') ?? '';
    await page.close();

    const grant = await provider.redeemCode({
      test: true,
      type: 'quartz-payment',
      code,
      codeVerifier,
      bankAccount: everyday,
      limits,
      signal: AbortSignal.timeout(30_000),
    });
    expect(grant.authorizationDetails).toEqual([
      expect.objectContaining({ name: 'Groceries', period: 'daily', totalAmount: '50000' }),
    ]);
  });

  it('approves a decoupled request in the banking app, and the client then gets its tokens', async () => {
    const started = await provider.startDecoupledAuthorization({
      test: true,
      type: 'quartz-payment',
      loginHint: 'alice',
      bindingMessage: 'BROWSER-7',
      bankAccount: everyday,
      limits,
    });
    const poll = (intervalSeconds = started.intervalSeconds) =>
      provider.pollDecoupledAuthorization({
        test: true,
        type: 'quartz-payment',
        authReqId: started.authReqId,
        intervalSeconds,
        bankAccount: everyday,
        limits,
        signal: AbortSignal.timeout(30_000),
      });
    await expect(poll()).resolves.toEqual({ status: 'pending', intervalSeconds: started.intervalSeconds });

    const page = await browser.newPage();
    await page.goto(`${sandbox.bank.issuer}/app`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('sandbox');
    await snap(page, 'banking-app-1-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();

    const request = page.getByRole('region', { name: 'Request BROWSER-7' });
    await expect(request.getByTestId('binding-message').textContent()).resolves.toBe('BROWSER-7');
    await expect(request.getByTestId('consent-amount').textContent()).resolves.toBe('NZD 500.00');
    await expect(request.getByTestId('consent-period').textContent()).resolves.toBe('per day');
    await expect(request.getByTestId('consent-name').textContent()).resolves.toBe('Groceries');
    await snap(page, 'banking-app-2-request');
    await request.getByRole('button', { name: 'Approve' }).click();

    await expect(page.getByRole('status').textContent()).resolves.toBe('You approved the request.');
    await expect(page.getByTestId('no-requests').isVisible()).resolves.toBe(true);
    await snap(page, 'banking-app-3-approved');
    await page.close();

    const outcomes = await pollUntilAnswered(started, poll);
    expect(finalOutcome(outcomes)).toEqual({
      status: 'approved',
      accessToken: expect.any(String),
      authorizationDetails: [expect.objectContaining({ totalAmount: '50000', period: 'daily' })],
    });
  });
});
