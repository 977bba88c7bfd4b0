import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { useLocalStack } from '../support/use-local-stack';

// A person's journey in a real browser (Debian's Chromium driven by playwright-core): create an
// intent through the local API, sign in at the sandbox bank, choose accounts, come back to the
// callback page and finish. Screenshots of every page land in test-results/e2e/.
const SCREENSHOTS = path.resolve(__dirname, '../../test-results/e2e');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const local = useLocalStack();
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
});

async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function intentAtBank(page: Page, user: string): Promise<string> {
  const created = await local.api.createIntent({
    accountId: local.stack.accountId,
    type: 'quartz-accounts',
    test: true,
  });
  expect(created.status).toBe(200);
  const intent = created.body as { id: string; authorizationUrl: string };
  await page.goto(intent.authorizationUrl);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Sign in');
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill('sandbox');
  return intent.id;
}

describe('connecting bank accounts in a browser', () => {
  it('approves two accounts and sees the intent authorized with two Bank Accounts', async () => {
    const page = await browser.newPage();
    const intentId = await intentAtBank(page, 'alice');
    await snap(page, '1-approve-login');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByLabel(/Everyday/).check();
    await page.getByLabel(/Savings/).uncheck();
    await page.getByLabel(/Bills/).check();
    await snap(page, '2-approve-choose-accounts');
    await page.getByRole('button', { name: 'Approve' }).click();

    await page.waitForURL(`${local.stack.apiUrl}/callback?**`);
    await expect(page.getByTestId('intent-id').textContent()).resolves.toBe(intentId);
    await snap(page, '3-approve-callback');
    await page.getByRole('button', { name: 'Finish connection' }).click();

    await expect(page.getByTestId('intent-status').textContent()).resolves.toBe('authorized');
    await expect(page.getByTestId('authorize-status').textContent()).resolves.toBe('200');
    const rows = page.getByTestId('bank-accounts').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    // Listed in account-number order: Everyday (…-00) before Bills (…-02).
    await expect(rows.allTextContents()).resolves.toEqual([
      expect.stringContaining('Everyday'),
      expect.stringContaining('Bills'),
    ]);
    await snap(page, '4-approve-outcome');
    await page.close();
  });

  it('denies at the bank and sees the intent failed', async () => {
    const page = await browser.newPage();
    await intentAtBank(page, 'dan');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await snap(page, '5-deny-consent');
    await page.getByRole('button', { name: 'Deny' }).click();

    await page.waitForURL(`${local.stack.apiUrl}/callback?**`);
    await page.getByRole('button', { name: 'Finish connection' }).click();

    await expect(page.getByTestId('intent-status').textContent()).resolves.toBe('failed');
    await expect(page.getByTestId('authorize-status').textContent()).resolves.toBe('403');
    await snap(page, '6-deny-outcome');
    await page.close();
  });
});
