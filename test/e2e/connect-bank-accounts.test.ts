import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { BankFaults } from '../../local/sandbox-bank/faults';
import { approveAtBank } from '../support/bank-session';
import { launchChromium } from '../support/browser';
import { useLocalStack } from '../support/use-local-stack';

// A person's journey in a real browser (Debian's Chromium driven by playwright-core): start on the
// local stack's start page (or with an intent created through the API), sign in at the sandbox
// bank, choose accounts, come back to the callback page, finish, and read the outcome: connected,
// denied, or the bank unavailable and a retry once its countdown ends. Screenshots of every page
// land in test-results/e2e/.
const SCREENSHOTS = path.resolve(__dirname, '../../test-results/e2e');

const local = useLocalStack();
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await fetch(`${local.stack.testIssuer}/sandbox/faults`, { method: 'DELETE' });
});

async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in at the bank's login page the browser is on. */
async function signIn(page: Page, user: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Sign in');
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill('sandbox');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** An intent created through the API, with the browser at its bank's login page. */
async function intentAtBank(page: Page): Promise<string> {
  const created = await local.api.createIntent({
    accountId: local.stack.accountId,
    type: 'quartz-accounts',
    test: true,
  });
  expect(created.status).toBe(200);
  const intent = created.body as { id: string; authorizationUrl: string };
  await page.goto(intent.authorizationUrl);
  return intent.id;
}

/** Presses a button that posts to the callback page, and waits for the outcome it leads to. */
async function pressFor(page: Page, button: string, outcome: string): Promise<void> {
  await page.getByRole('button', { name: button }).click();
  await page.locator(`[data-outcome="${outcome}"]`).waitFor();
}

async function setBankFaults(faults: Partial<BankFaults>): Promise<void> {
  const response = await fetch(`${local.stack.testIssuer}/sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(response.status).toBe(200);
}

describe('connecting bank accounts in a browser', () => {
  it('starts on the start page, approves two accounts and sees only those connected', async () => {
    // Another connection of the same account holds Savings: the outcome must not list it.
    const other = (
      await local.api.createIntent({ accountId: local.stack.accountId, type: 'quartz-accounts', test: true })
    ).body as { id: string; authorizationUrl: string };
    const otherCode = (
      await approveAtBank(other.authorizationUrl, { user: 'alice', accounts: ['acc-alice-2'] })
    ).code;
    expect((await local.api.authorize(other.id, otherCode)).status).toBe(200);
    const page = await browser.newPage();

    await page.goto(local.stack.startUrl);
    await snap(page, '1-start');
    await page.getByRole('button', { name: 'Connect bank accounts' }).click();
    await signIn(page, 'alice');
    await page.getByLabel(/Everyday/).check();
    await page.getByLabel(/Savings/).uncheck();
    await page.getByLabel(/Bills/).check();
    await snap(page, '2-approve-choose-accounts');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(`${local.stack.apiUrl}/callback?**`);
    const intentId = await page.getByTestId('intent-id').textContent();
    await snap(page, '3-approve-callback');
    await pressFor(page, 'Finish connection', 'connected');

    await expect(page.getByTestId('headline').textContent()).resolves.toBe('Connected 2 Bank Accounts');
    await expect(page.getByTestId('intent-id').textContent()).resolves.toBe(intentId);
    await expect(page.getByTestId('authorize-status').textContent()).resolves.toBe('200');
    const rows = page.getByTestId('bank-accounts').locator('tbody tr');
    // Listed in the intent's order: Everyday (…-00) before Bills (…-02); Savings is not this intent's.
    await expect(rows.allTextContents()).resolves.toEqual([
      expect.stringContaining('Everyday'),
      expect.stringContaining('Bills'),
    ]);
    await snap(page, '4-approve-outcome');
    await page.getByTestId('start-again').click();
    await page.getByTestId('start').waitFor();
    expect(new URL(page.url()).pathname).toBe('/start');
    await page.close();
  });

  it('denies at the bank and reads that the user declined', async () => {
    const page = await browser.newPage();
    await intentAtBank(page);
    await signIn(page, 'dan');
    await snap(page, '5-deny-consent');
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(`${local.stack.apiUrl}/callback?**`);

    await pressFor(page, 'Finish connection', 'failed');

    await expect(page.getByTestId('headline').textContent()).resolves.toBe('You declined at the bank');
    await expect(page.getByTestId('outcome-text').textContent()).resolves.toContain(
      'No Bank Accounts were connected.',
    );
    await expect(page.getByTestId('intent-status').textContent()).resolves.toBe('failed');
    await expect(page.getByTestId('bank-accounts').count()).resolves.toBe(0);
    await expect(page.getByTestId('start-again').isVisible()).resolves.toBe(true);
    await snap(page, '6-deny-outcome');
    await page.close();
  });

  it('meets the bank unavailable, waits out the countdown, and the retry connects', async () => {
    const page = await browser.newPage();
    await intentAtBank(page);
    await signIn(page, 'alice');
    await page.getByLabel(/Everyday/).check();
    await page.getByLabel(/Savings/).uncheck();
    await page.getByLabel(/Bills/).uncheck();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(`${local.stack.apiUrl}/callback?**`);
    await setBankFaults({ accountsStatus: 503 });

    await pressFor(page, 'Finish connection', 'retry');
    const retry = page.getByTestId('retry');
    const disabledAtFirst = await retry.isDisabled();
    const countdownAtFirst = await page.getByTestId('countdown').textContent();
    const notBefore = Number(await page.locator('input[name="notBefore"]').getAttribute('value'));
    await snap(page, '7-unavailable-countdown');
    await setBankFaults({});
    await page.waitForFunction(() => {
      const button = document.querySelector<HTMLButtonElement>('[data-testid="retry"]');
      return button !== null && !button.disabled;
    });
    const enabledAt = Date.now();
    await expect(page.getByTestId('countdown').textContent()).resolves.toBe('You can retry now.');
    await snap(page, '8-unavailable-retry-open');
    await pressFor(page, 'Retry', 'connected');

    expect(disabledAtFirst).toBe(true);
    expect(countdownAtFirst).toMatch(/^You can retry in [1-5] s\.$/);
    expect(enabledAt).toBeGreaterThanOrEqual(notBefore);
    await expect(page.getByTestId('headline').textContent()).resolves.toBe('Connected 1 Bank Account');
    await expect(page.getByTestId('bank-accounts').locator('tbody tr').allTextContents()).resolves.toEqual([
      expect.stringContaining('Everyday'),
    ]);
    await snap(page, '9-unavailable-retried');
    await page.close();
  });
});
