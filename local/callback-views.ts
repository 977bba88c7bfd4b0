import type { BankAccountView } from '../functions/shared/domain/bank-account-view';
import type { IntentView } from '../functions/shared/domain/intent-view';
import type { AuthorizationResponse } from './authorize-body';
import type { ConnectedAccount, Outcome } from './callback-outcome';
import { html, type PageScript, page, type SafeHtml } from './html';
import { bankErrorWords, FAILURE_WORDS, RETRY_WORDS, refusalWords, type Words } from './outcome-words';

export const CALLBACK_PATH = '/callback';
export const FINISH_PATH = '/callback/finish';

/** The fields the finish form posts: what the bank returned, and when a retry may be sent. */
export const FINISH_FIELDS = {
  code: 'code',
  state: 'state',
  iss: 'iss',
  /** Epoch milliseconds before which the page does not retry (the answer's `Retry-After`). */
  notBefore: 'notBefore',
} as const;

/** A rendered page: its markup and its inline script, if it has one. */
export interface View {
  statusCode: number;
  body: SafeHtml;
  title: string;
  script?: string;
}

export const render = (view: View, nonce: string): SafeHtml =>
  page(
    view.title,
    view.body,
    view.script ? ({ source: view.script, nonce } satisfies PageScript) : undefined,
  );

/** What the page knows around an outcome: where to start again, and what authorize answered. */
export interface OutcomeContext {
  startHref: string;
  /** The answer of authorize to this page's request, when it sent one. */
  answer?: { status: number | 'no-answer'; code: string | undefined };
  /** The clock, for the retry form's not-before time. */
  nowMs: number;
}

/** The page the bank redirects to: what came back, and one button to finish. */
export function landingView(intent: IntentKind & { id: string }, returned: AuthorizationResponse): View {
  return {
    statusCode: 200,
    title: 'Back from the bank',
    body: html`<main data-testid="landing">
<h1>Back from the bank</h1>
<p>The bank sent you back with an authorization code for this connection (${typeInWords(intent)}).
Finishing posts it to
<code>POST /api/bank-account-connection-intents/${intent.id}/authorize</code>, as the integrator’s
back end would, then reads the intent to tell you what happened.</p>
<dl>
<dt>Intent</dt><dd class="mono" data-testid="intent-id">${intent.id}</dd>
<dt>Code</dt><dd class="mono" data-testid="code">${returned.code}</dd>
<dt>State</dt><dd class="mono" data-testid="state">${returned.state}</dd>
<dt>Issuer</dt><dd class="mono">${returned.iss ?? '(not named)'}</dd>
</dl>
${finishForm(returned, undefined, html`<button type="submit">Finish connection</button>`)}
</main>`,
  };
}

/** Every outcome in words, with a link to start again. Nothing from an answer is shown raw. */
export function outcomeView(outcome: Outcome, context: OutcomeContext): View {
  switch (outcome.kind) {
    case 'connected':
      return finished(
        outcome,
        context,
        connectedWords(outcome.accounts),
        'good',
        connectedList(outcome.accounts),
      );
    case 'payment-consent':
      return finished(outcome, context, consentWords(outcome.bankAccount), 'good', undefined);
    case 'failed': {
      const words = FAILURE_WORDS[outcome.reason];
      const consequence = isPayment(outcome.intent)
        ? 'No payment consent was recorded.'
        : 'No Bank Accounts were connected.';
      return finished(outcome, context, { ...words, text: `${words.text} ${consequence}` }, 'bad', undefined);
    }
    case 'not-finished':
      return outcomePage('not-finished', context, {
        headline: 'This connection is still waiting for the bank',
        text: 'Its authorization has not finished yet.',
        tone: 'wait',
        details: intentDetails(outcome.intent),
      });
    case 'bank-error': {
      const words = bankErrorWords(outcome.error);
      return outcomePage('bank-error', context, {
        ...words,
        text: `${words.text} Nothing was connected.`,
        tone: outcome.error === 'access_denied' ? 'bad' : 'wait',
        details: html`${outcome.description ? html`<p>The bank said: “${outcome.description}”</p>` : undefined}
<p class="note">The bank’s error code: <code data-testid="bank-error">${outcome.error}</code></p>`,
      });
    }
    case 'retry':
      return retryView(outcome, context);
    case 'refused':
      return outcomePage('refused', context, {
        ...refusalWords(outcome.status, outcome.code),
        tone: 'bad',
      });
    case 'unread':
      return unreadView(outcome, context);
    case 'unexpected-state':
      return outcomePage('unexpected-state', context, {
        statusCode: 400,
        ...(outcome.problem === 'no-code'
          ? {
              headline: 'The bank’s answer holds no authorization code',
              text: 'There is nothing to finish.',
            }
          : {
              headline: 'This answer does not belong to a connection waiting for the bank',
              text: 'The state the bank returned is not the one bound to a pending connection, so its code was not used.',
            }),
        tone: 'bad',
        details: html`<dl><dt>State</dt><dd class="mono" data-testid="state">${shortened(outcome.state)}</dd></dl>`,
      });
  }
}

type Tone = 'good' | 'bad' | 'wait';

interface OutcomeParts extends Words {
  tone: Tone;
  details?: SafeHtml | undefined;
  statusCode?: number;
  script?: string;
}

/** The frame every outcome shares: headline, words, details, the authorize answer, start again. */
function outcomePage(kind: Outcome['kind'], context: OutcomeContext, parts: OutcomeParts): View {
  return {
    statusCode: parts.statusCode ?? 200,
    title: parts.headline,
    ...(parts.script ? { script: parts.script } : {}),
    body: html`<main data-testid="outcome" data-outcome="${kind}">
<h1 data-testid="headline">${parts.headline}</h1>
<section class="outcome outcome-${parts.tone}">
<p data-testid="outcome-text">${parts.text}</p>
${parts.details}
</section>
${context.answer ? answerNote(context.answer) : undefined}
<p><a href="${context.startHref}" data-testid="start-again">Start again</a>: connect a bank from the start page.</p>
</main>`,
  };
}

function answerNote(answer: NonNullable<OutcomeContext['answer']>): SafeHtml {
  if (answer.status === 'no-answer') {
    return html`<p class="note">Authorize did not answer: the request to the API failed.</p>`;
  }
  return html`<p class="note">Authorize answered <code data-testid="authorize-status">${answer.status}</code>${
    answer.code ? html` <code data-testid="authorize-code">${answer.code}</code>` : undefined
  }.</p>`;
}

type FinishedOutcome = Extract<Outcome, { kind: 'connected' | 'payment-consent' | 'failed' }>;

function finished(
  outcome: FinishedOutcome,
  context: OutcomeContext,
  words: Words,
  tone: Tone,
  list: SafeHtml | undefined,
): View {
  if (!outcome.alreadyFinished) {
    return outcomePage(outcome.kind, context, {
      ...words,
      tone,
      details: html`${list}${intentDetails(outcome.intent)}`,
    });
  }
  return outcomePage(outcome.kind, context, {
    headline: 'This connection had already finished',
    text: 'Nothing was sent to the service again. This is what it did:',
    tone,
    details: html`<h2 data-testid="result">${words.headline}</h2>
<p>${words.text}</p>
${list}${intentDetails(outcome.intent)}`,
  });
}

function connectedWords(accounts: ConnectedAccount[]): Words {
  if (accounts.length === 0) {
    return { headline: 'Connected no Bank Accounts', text: 'The bank shared no accounts.' };
  }
  const count = accounts.length === 1 ? '1 Bank Account' : `${accounts.length} Bank Accounts`;
  return {
    headline: `Connected ${count}`,
    text: `You chose ${accounts.length === 1 ? 'this account' : 'these accounts'} at the bank; this connection added ${
      accounts.length === 1 ? 'it' : 'them'
    } to the account’s Bank Accounts:`,
  };
}

function connectedList(accounts: ConnectedAccount[]): SafeHtml | undefined {
  if (accounts.length === 0) return undefined;
  return html`<table data-testid="bank-accounts">
<thead><tr><th>Name</th><th>Account number</th><th>Bank</th><th></th></tr></thead>
<tbody>
${accounts.map(
  ({ id, bankAccount, heldBefore }) =>
    html`<tr data-bank-account-id="${id}">${
      bankAccount
        ? html`<td>${bankAccount.bankAccountName}</td><td class="mono">${bankAccount.bankAccountNumber}</td><td>${
            bankAccount.test ? 'test' : 'live'
          }</td><td class="note">${heldBefore ? 'already connected earlier' : ''}</td>`
        : html`<td colspan="4" class="note">Bank Account <span class="mono">${id}</span> could not be read just now.</td>`
    }</tr>\n`,
)}</tbody>
</table>`;
}

function consentWords(bankAccount: BankAccountView | undefined): Words {
  return {
    headline: 'Payment consent given',
    text: bankAccount
      ? `The demo account may now make payments from ${bankAccount.bankAccountName} (${bankAccount.bankAccountNumber}), within the consent given at the bank.`
      : 'The demo account may now make payments from the Bank Account below, within the consent given at the bank (its details could not be read just now).',
  };
}

function intentDetails(intent: IntentView): SafeHtml {
  return html`<dl>
<dt>Intent</dt><dd class="mono" data-testid="intent-id">${intent.id}</dd>
<dt>Kind</dt><dd>${typeInWords(intent)}</dd>
${intent.bankAccountId ? html`<dt>Bank Account</dt><dd class="mono" data-testid="consent-bank-account">${intent.bankAccountId}</dd>` : undefined}
<dt>Status</dt><dd><span data-testid="intent-status" class="status status-${intent.status}">${intent.status}</span></dd>
${intent.failureReason ? html`<dt>Failure reason</dt><dd><code data-testid="failure-reason">${intent.failureReason}</code></dd>` : undefined}
</dl>`;
}

const isPayment = (intent: IntentKind): boolean => intent.bankAccountId !== undefined;

type IntentKind = { bankAccountId?: string | undefined; test?: boolean | undefined };

/** What an intent connects, in words: the contract echoes `bankAccountId` on payment intents only. */
function typeInWords(intent: IntentKind): string {
  const kind = isPayment(intent) ? 'a payment consent' : 'connecting bank accounts';
  return `${kind} at the ${intent.test ? 'test' : 'live'} bank`;
}

/** A value from the request, cut to a length a page can show. */
const shortened = (value: string): string => (value.length > 100 ? `${value.slice(0, 100)}…` : value);

/**
 * The retry page. The button is posted no earlier than `Retry-After` allows: the script keeps it
 * disabled with a countdown, and the form carries the moment, which the page checks again (a
 * browser without scripts, or an early post, gets this page back with the time left).
 */
function retryView(outcome: Extract<Outcome, { kind: 'retry' }>, context: OutcomeContext): View {
  const seconds = outcome.retryAfterSeconds;
  const notBefore = outcome.notBeforeMs ?? context.nowMs + seconds * 1000;
  const form = finishForm(
    outcome.returned,
    notBefore,
    html`<button type="submit" data-testid="retry" data-retry-after="${seconds}">Retry</button>
<span data-testid="countdown" data-countdown aria-live="polite">${
      seconds > 0 ? `You can retry in ${seconds} s.` : 'You can retry now.'
    }</span>`,
  );
  return outcomePage('retry', context, {
    ...RETRY_WORDS[outcome.cause],
    tone: 'wait',
    script: COUNTDOWN_SCRIPT,
    details: html`<div data-testid="retry-cause" data-cause="${outcome.cause}">${form}</div>`,
  });
}

/**
 * Keeps each retry button disabled until its `data-retry-after` seconds have passed since the page
 * loaded, showing the seconds left. A constant: it reads only the page's own attributes.
 */
const COUNTDOWN_SCRIPT = `
for (const button of document.querySelectorAll('button[data-retry-after]')) {
  const label = button.form.querySelector('[data-countdown]');
  const until = performance.now() + Number(button.dataset.retryAfter) * 1000;
  const tick = () => {
    const left = Math.ceil((until - performance.now()) / 1000);
    if (left > 0) {
      button.disabled = true;
      label.textContent = 'You can retry in ' + left + ' s.';
      setTimeout(tick, 200);
    } else {
      button.disabled = false;
      label.textContent = 'You can retry now.';
    }
  };
  tick();
}
`;

function unreadView(outcome: Extract<Outcome, { kind: 'unread' }>, context: OutcomeContext): View {
  const headline = {
    authorized: 'The connection finished',
    failed: 'The connection failed',
    finished: 'This connection had already finished',
  }[outcome.after];
  const status = outcome.status === 'no-answer' ? 'no answer' : String(outcome.status);
  return outcomePage('unread', context, {
    headline,
    text: `What it did could not be read just now (the API answered ${status} to reading the intent).`,
    tone: 'wait',
    details: outcome.returned
      ? html`<p><a href="${callbackHref(outcome.returned)}" data-testid="read-again">Read it again</a></p>`
      : undefined,
  });
}

/** The callback address the bank sent the browser to: opening it again shows a finished intent's outcome. */
export function callbackHref(returned: AuthorizationResponse): string {
  const query = new URLSearchParams({ code: returned.code, state: returned.state });
  if (returned.iss !== undefined) query.set('iss', returned.iss);
  return `${CALLBACK_PATH}?${query}`;
}

function finishForm(
  returned: AuthorizationResponse,
  notBefore: number | undefined,
  controls: SafeHtml,
): SafeHtml {
  return html`<form method="post" action="${FINISH_PATH}">
<input type="hidden" name="${FINISH_FIELDS.state}" value="${returned.state}">
<input type="hidden" name="${FINISH_FIELDS.code}" value="${returned.code}">
${returned.iss !== undefined ? html`<input type="hidden" name="${FINISH_FIELDS.iss}" value="${returned.iss}">` : undefined}
${notBefore !== undefined ? html`<input type="hidden" name="${FINISH_FIELDS.notBefore}" value="${notBefore}">` : undefined}
${controls}
</form>`;
}
