import { approveAtBank } from '../../support/bank-session';
import { useLocalStack } from '../../support/use-local-stack';

const local = useLocalStack();

describe('the callback page at the registered redirect URI', () => {
  it('shows the returned code and finishes the flow with one form post', async () => {
    const created = await local.api.createIntent({
      accountId: local.stack.accountId,
      type: 'quartz-accounts',
      test: true,
    });
    const intent = created.body as { id: string; authorizationUrl: string };
    const redirect = await approveAtBank(intent.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-2'],
    });
    expect(redirect.redirectUrl.startsWith(`${local.stack.apiUrl}/callback?`)).toBe(true);

    const landing = await (await fetch(redirect.redirectUrl)).text();
    expect(landing).toContain(redirect.code);
    expect(landing).toContain('Finish connection');
    const outcome = await fetch(`${local.stack.apiUrl}/callback/finish`, {
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
    const created = await local.api.createIntent({
      accountId: local.stack.accountId,
      type: 'quartz-accounts',
      test: true,
    });
    const intent = created.body as { id: string };

    const page = await (
      await fetch(`${local.stack.apiUrl}/callback?code=abc&state=${intent.id}.forged`)
    ).text();

    expect(page).toContain('does not belong to a pending intent');
    expect(page).not.toContain('Finish connection');
  });

  it('shows an error the bank returned', async () => {
    const page = await (
      await fetch(`${local.stack.apiUrl}/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E`)
    ).text();

    expect(page).toContain('access_denied');
    expect(page).toContain('&#60;b&#62;no&#60;/b&#62;');
  });
});
