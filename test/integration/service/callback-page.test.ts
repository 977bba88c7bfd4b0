import { approveAtBank } from '../../support/bank-session';
import { type RunningStack, startStackProcess } from '../../support/local-stack-process';
import { ServiceClient } from '../../support/service-client';

let stack: RunningStack;
let api: ServiceClient;

beforeAll(async () => {
  stack = await startStackProcess();
  api = new ServiceClient(stack);
}, 60_000);

afterAll(() => stack?.stop());

describe('the callback page at the registered redirect URI', () => {
  it('shows the returned code and finishes the flow with one form post', async () => {
    const created = await api.createIntent({
      accountId: stack.accountId,
      type: 'quartz-accounts',
      test: true,
    });
    const intent = created.body as { id: string; authorizationUrl: string };
    const redirect = await approveAtBank(intent.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-2'],
    });
    expect(redirect.redirectUrl.startsWith(`${stack.apiUrl}/callback?`)).toBe(true);

    const landing = await (await fetch(redirect.redirectUrl)).text();
    expect(landing).toContain(redirect.code);
    expect(landing).toContain('Finish connection');
    const outcome = await fetch(`${stack.apiUrl}/callback/finish`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ intentId: intent.id, code: redirect.code }),
    });

    const page = await outcome.text();
    expect(page).toContain(
      '<span data-testid="intent-status" class="status status-authorized">authorized</span>',
    );
    expect(page).toContain('Savings');
  });

  it('refuses a response whose state is not bound to a pending intent', async () => {
    const created = await api.createIntent({
      accountId: stack.accountId,
      type: 'quartz-accounts',
      test: true,
    });
    const intent = created.body as { id: string };

    const page = await (await fetch(`${stack.apiUrl}/callback?code=abc&state=${intent.id}.forged`)).text();

    expect(page).toContain('does not belong to a pending intent');
    expect(page).not.toContain('Finish connection');
  });

  it('shows an error the bank returned', async () => {
    const page = await (
      await fetch(`${stack.apiUrl}/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E`)
    ).text();

    expect(page).toContain('access_denied');
    expect(page).toContain('&#60;b&#62;no&#60;/b&#62;');
  });
});
