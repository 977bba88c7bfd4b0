import { FAILURE_REASONS } from '../../../functions/shared/domain/failure-reason';
import type { Outcome } from '../../../local/callback-outcome';
import { type OutcomeContext, outcomeView, render } from '../../../local/callback-views';
import { FAILURE_WORDS, RETRY_CAUSES, RETRY_WORDS } from '../../../local/outcome-words';
import { bankAccountView, intentView } from './page-fakes';

const NOW = Date.parse('2026-11-25T10:00:00.000Z');
const CONTEXT: OutcomeContext = { startHref: '/start?type=quartz-accounts&test=true', nowMs: NOW };
const RETURNED = { code: 'the-code', state: 'the-state', iss: 'http://127.0.0.1:1' };
const HOSTILE = '<script>alert(1)</script>"\'&';

const markup = (outcome: Outcome, context = CONTEXT): string =>
  render(outcomeView(outcome, context), 'n0nce').markup;

/** Every outcome the page can show, for the checks all of them share. */
const EVERY_OUTCOME: Outcome[] = [
  {
    kind: 'connected',
    intent: intentView(),
    accounts: [{ id: 'a', bankAccount: bankAccountView(), heldBefore: false }],
    alreadyFinished: false,
  },
  { kind: 'connected', intent: intentView(), accounts: [], alreadyFinished: true },
  {
    kind: 'payment-consent',
    intent: intentView({ bankAccountId: 'b' }),
    bankAccount: bankAccountView(),
    alreadyFinished: false,
  },
  ...FAILURE_REASONS.map(
    (reason): Outcome => ({
      kind: 'failed',
      intent: intentView({ status: 'failed', failureReason: reason }),
      reason,
      alreadyFinished: false,
    }),
  ),
  { kind: 'not-finished', intent: intentView({ status: 'created' }) },
  { kind: 'bank-error', error: 'access_denied', description: 'no' },
  ...RETRY_CAUSES.map(
    (cause): Outcome => ({ kind: 'retry', cause, retryAfterSeconds: 5, returned: RETURNED }),
  ),
  { kind: 'refused', status: 400, code: 'code is required' },
  { kind: 'unread', after: 'authorized', status: 503, returned: RETURNED },
  { kind: 'unexpected-state', state: 'x', problem: 'no-pending-intent' },
];

describe('the callback page’s outcomes', () => {
  it.each(EVERY_OUTCOME.map((outcome) => [`${outcome.kind}`, outcome]))(
    '%s: words, never raw JSON, and a link to start again',
    (_kind, outcome) => {
      const page = markup(outcome, { ...CONTEXT, answer: { status: 502, code: 'PROVIDER_UNAVAILABLE' } });

      expect(page).toMatch(/<h1 data-testid="headline">[^<{]+<\/h1>/);
      expect(page).not.toMatch(/\{"|":/);
      expect(page).toContain(
        '<a href="/start?type=quartz-accounts&amp;test=true" data-testid="start-again">Start again</a>',
      );
    },
  );

  it('connected: names each Bank Account of this intent, and says which were already connected', () => {
    const page = markup({
      kind: 'connected',
      intent: intentView(),
      accounts: [
        { id: 'a', bankAccount: bankAccountView({ bankAccountName: 'Savings' }), heldBefore: false },
        { id: 'b', bankAccount: bankAccountView({ bankAccountName: 'Bills' }), heldBefore: true },
        { id: 'c', bankAccount: undefined, heldBefore: false },
      ],
      alreadyFinished: false,
    });

    expect(page).toContain('<h1 data-testid="headline">Connected 3 Bank Accounts</h1>');
    expect(page).toContain(
      '<td>Savings</td><td class="mono">12-3456-7890123-00</td><td>test</td><td class="note"></td>',
    );
    expect(page).toContain('<td>Bills</td>');
    expect(page).toContain('already connected earlier');
    expect(page).toContain('Bank Account <span class="mono">c</span> could not be read just now.');
  });

  it('a payment consent names the Bank Account it is for', () => {
    const page = markup({
      kind: 'payment-consent',
      intent: intentView({ type: 'quartz-payment', bankAccountId: 'b' }),
      bankAccount: bankAccountView({ bankAccountName: 'Bills', bankAccountNumber: '12-3456-7890123-02' }),
      alreadyFinished: false,
    });

    expect(page).toContain('<h1 data-testid="headline">Payment consent given</h1>');
    expect(page).toContain('payments from Bills (12-3456-7890123-02)');
  });

  it.each(FAILURE_REASONS)('failed with %s: its own words, and that nothing was connected', (reason) => {
    const page = markup({
      kind: 'failed',
      intent: intentView({ status: 'failed', failureReason: reason }),
      reason,
      alreadyFinished: false,
    });

    expect(page).toContain(
      `<h1 data-testid="headline">${FAILURE_WORDS[reason].headline.replace(/'/g, '&#39;')}</h1>`,
    );
    expect(page).toContain('No Bank Accounts were connected.');
    expect(page).toContain(`<code data-testid="failure-reason">${reason}</code>`);
  });

  it('every failure reason reads differently', () => {
    const headlines = new Set(FAILURE_REASONS.map((reason) => FAILURE_WORDS[reason].headline));

    expect(headlines.size).toBe(FAILURE_REASONS.length);
  });

  it('a failed payment intent says no consent was recorded', () => {
    const page = markup({
      kind: 'failed',
      intent: intentView({ type: 'quartz-payment', bankAccountId: 'b', status: 'failed' }),
      reason: 'ACCESS_DENIED',
      alreadyFinished: false,
    });

    expect(page).toContain('No payment consent was recorded.');
  });

  it('already finished: says so first, then what the connection did', () => {
    const page = markup({
      kind: 'failed',
      intent: intentView({ status: 'failed', failureReason: 'EXPIRED' }),
      reason: 'EXPIRED',
      alreadyFinished: true,
    });

    expect(page).toContain('<h1 data-testid="headline">This connection had already finished</h1>');
    expect(page).toContain('<h2 data-testid="result">This connection expired</h2>');
  });

  it.each([
    ['bank-unavailable', 5],
    ['rate-limited', 37],
  ] as const)('%s: a retry form that waits %p s, with a countdown script', (cause, seconds) => {
    const view = outcomeView(
      { kind: 'retry', cause, retryAfterSeconds: seconds, returned: RETURNED },
      CONTEXT,
    );
    const page = render(view, 'n0nce').markup;

    expect(page).toContain(`<h1 data-testid="headline">${RETRY_WORDS[cause].headline}</h1>`);
    expect(page).toContain(
      `<button type="submit" data-testid="retry" data-retry-after="${seconds}">Retry</button>`,
    );
    expect(page).toContain(`You can retry in ${seconds} s.`);
    expect(page).toContain(`<input type="hidden" name="notBefore" value="${NOW + seconds * 1000}">`);
    expect(page).toContain('<input type="hidden" name="code" value="the-code">');
    expect(page).toContain('<input type="hidden" name="state" value="the-state">');
    expect(page).toContain('<script nonce="n0nce">');
    expect(view.script).toContain('data-retry-after');
  });

  it('a retry posted too early keeps the moment it was given', () => {
    const page = markup({
      kind: 'retry',
      cause: 'too-early',
      retryAfterSeconds: 3,
      notBeforeMs: NOW + 2_500,
      returned: RETURNED,
    });

    expect(page).toContain(`<input type="hidden" name="notBefore" value="${NOW + 2_500}">`);
    expect(page).toContain('data-retry-after="3"');
  });

  it('no Retry-After: the retry is open at once', () => {
    const page = markup({
      kind: 'retry',
      cause: 'service-unavailable',
      retryAfterSeconds: 0,
      returned: RETURNED,
    });

    expect(page).toContain('data-retry-after="0"');
    expect(page).toContain('You can retry now.');
  });

  it('the bank’s ?error=access_denied reads as a denial', () => {
    const page = markup({ kind: 'bank-error', error: 'access_denied', description: undefined });

    expect(page).toContain('<h1 data-testid="headline">You declined at the bank</h1>');
    expect(page).toContain('<code data-testid="bank-error">access_denied</code>');
  });

  it('escapes everything that came from the bank, the request or the API', () => {
    const pages = [
      markup({ kind: 'bank-error', error: HOSTILE, description: HOSTILE }),
      markup({ kind: 'unexpected-state', state: HOSTILE, problem: 'no-pending-intent' }),
      markup({
        kind: 'connected',
        intent: intentView({ id: HOSTILE }),
        accounts: [
          {
            id: HOSTILE,
            bankAccount: bankAccountView({ bankAccountName: HOSTILE, bankAccountNumber: HOSTILE }),
            heldBefore: false,
          },
          { id: HOSTILE, bankAccount: undefined, heldBefore: false },
        ],
        alreadyFinished: false,
      }),
      markup({
        kind: 'retry',
        cause: 'bank-unavailable',
        retryAfterSeconds: 1,
        returned: { code: HOSTILE, state: HOSTILE, iss: HOSTILE },
      }),
      markup(
        { kind: 'refused', status: 400, code: HOSTILE },
        { ...CONTEXT, answer: { status: 400, code: HOSTILE } },
      ),
    ];

    for (const page of pages) {
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('"\'&');
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    }
  });

  it('cuts a huge state short', () => {
    const page = markup({ kind: 'unexpected-state', state: 'a'.repeat(5_000), problem: 'no-pending-intent' });

    expect(page).toContain(`${'a'.repeat(100)}…`);
    expect(page).not.toContain('a'.repeat(101));
  });
});
