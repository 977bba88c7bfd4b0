import type { ServerResponse } from 'node:http';
import {
  type BankAccountView,
  bankAccountListSchema,
  bankAccountViewSchema,
} from '../functions/shared/domain/bank-account-view';
import { type IntentType, intentResponseSchema, intentTypeSchema } from '../functions/shared/domain/schemas';
import { html, page, type SafeHtml, sendHtml } from './html';
import type { LocalPage } from './local-api';
import { RETRY_WORDS, refusalWords, type Words } from './outcome-words';
import { type ApiReply, errorCodeOf, type StartApi } from './page-api';
import { TEST_USERS } from './sandbox-bank/test-users';

export const START_PATH = '/start';

/** What the start page starts: an intent's type, its bank (test or live) and a payment's Bank Account. */
export interface StartChoice {
  type: IntentType;
  test: boolean;
  bankAccountId?: string;
}

/** The start page's address, with the choice of an intent to start again already made. */
export function startHref(choice?: StartChoice): string {
  if (!choice) return START_PATH;
  const query = new URLSearchParams({ type: choice.type, test: String(choice.test) });
  if (choice.bankAccountId) query.set('bankAccountId', choice.bankAccountId);
  return `${START_PATH}?${query}`;
}

export interface StartPageOptions {
  /** The pages' client of the API (PageApi), holding the demo account's key. */
  api: StartApi;
  /** The demo account, whose API key the page uses. */
  accountId: string;
}

/**
 * The local stack's start page, standing in for the integrator's app where a user begins: it
 * creates an intent through the API (an account-information one, or a payment consent for one of
 * the account's Bank Accounts) and sends the browser to the bank's authorization URL. Every
 * outcome of the callback page links back here.
 */
export function startPage(options: StartPageOptions): LocalPage {
  return async (request, response, body) => {
    const url = new URL(request.url ?? '/', 'http://local');
    if (url.pathname !== START_PATH) return false;
    if (request.method === 'GET') {
      await showStartPage(options, response, choiceOf(url.searchParams));
      return true;
    }
    if (request.method === 'POST') {
      await start(options, response, new URLSearchParams(body));
      return true;
    }
    return false;
  };
}

/** A choice read from the page's query or form; anything unreadable falls back to the default. */
function choiceOf(fields: URLSearchParams): StartChoice {
  const type = intentTypeSchema.safeParse(fields.get('type'));
  const bankAccountId = fields.get('bankAccountId');
  return {
    type: type.success ? type.data : 'quartz-accounts',
    test: fields.get('test') !== 'false',
    ...(bankAccountId ? { bankAccountId } : {}),
  };
}

async function start(
  options: StartPageOptions,
  response: ServerResponse,
  form: URLSearchParams,
): Promise<void> {
  const choice = choiceOf(form);
  let test = choice.test;
  if (choice.type === 'quartz-payment') {
    if (!choice.bankAccountId) {
      await showStartPage(options, response, choice, { words: CHOOSE_BANK_ACCOUNT }, 400);
      return;
    }
    // A payment consent's liveness is its Bank Account's, so the form never has to ask.
    const read = await options.api.getBankAccount(choice.bankAccountId);
    const bankAccount = read.status === 200 ? bankAccountViewSchema.safeParse(read.body) : undefined;
    if (!bankAccount?.success) {
      await showStartPage(options, response, choice, answerProblem(read, 'read the Bank Account'), 400);
      return;
    }
    test = bankAccount.data.test === true;
  }
  const reply = await options.api.createIntent({
    accountId: options.accountId,
    type: choice.type,
    test,
    ...(choice.type === 'quartz-payment' ? { bankAccountId: choice.bankAccountId } : {}),
  });
  const created = reply.status === 200 ? intentResponseSchema.safeParse(reply.body) : undefined;
  if (!created?.success) {
    await showStartPage(options, response, choice, answerProblem(reply, 'create the intent'), 400);
    return;
  }
  // 303: the browser follows with a GET, and going back does not post the form again.
  response.writeHead(303, { location: created.data.authorizationUrl, 'cache-control': 'no-store' });
  response.end();
}

/** Why the page could not start a connection: in words, and what the API answered. */
interface StartProblem {
  words: Words;
  detail?: string;
}

const CHOOSE_BANK_ACCOUNT: Words = {
  headline: 'Choose a Bank Account',
  text: 'A payment consent is for one of the account’s Bank Accounts.',
};

function answerProblem(reply: ApiReply, what: string): StartProblem {
  const code = errorCodeOf(reply);
  const answer = reply.status === 'no-answer' ? 'no answer' : `${reply.status}${code ? ` ${code}` : ''}`;
  return {
    words: startProblemWords(reply, code),
    detail: `The page could not ${what}: the API answered ${answer}.`,
  };
}

async function showStartPage(
  options: StartPageOptions,
  response: ServerResponse,
  choice: StartChoice,
  problem?: StartProblem,
  statusCode = 200,
): Promise<void> {
  const listed = await options.api.listBankAccounts(options.accountId);
  const parsed = listed.status === 200 ? bankAccountListSchema.safeParse(listed.body) : undefined;
  const bankAccounts = parsed?.success ? parsed.data : undefined;
  sendHtml(
    response,
    statusCode,
    page('Connect a bank', startView(options.accountId, choice, bankAccounts, problem)),
  );
}

function startView(
  accountId: string,
  choice: StartChoice,
  bankAccounts: BankAccountView[] | undefined,
  problem: StartProblem | undefined,
): SafeHtml {
  const live = !choice.test;
  return html`<main data-testid="start">
<h1>Connect a bank</h1>
<p>This page stands in for an integrator’s app. It creates a Bank Account Connection Intent for the
demo account <code>${accountId}</code> through the API and sends you to the bank, which sends you
back to the callback page.</p>
${problem ? problemView(problem) : undefined}
<form method="post" action="${START_PATH}" data-testid="start-accounts">
<input type="hidden" name="type" value="quartz-accounts">
<fieldset><legend>Connect bank accounts</legend>
<p>Choose accounts at the bank: each becomes a Bank Account of the demo account.</p>
<p><label><input type="radio" name="test" value="true"${live ? '' : ' checked'}> the sandbox bank (a test intent)</label><br>
<label><input type="radio" name="test" value="false"${live ? ' checked' : ''}> the “live” bank (a second local sandbox)</label></p>
<button type="submit">Connect bank accounts</button>
</fieldset>
</form>
<form method="post" action="${START_PATH}" data-testid="start-payment">
<input type="hidden" name="type" value="quartz-payment">
<fieldset><legend>Give a payment consent</legend>
${paymentChoice(choice, bankAccounts)}
</fieldset>
</form>
<p class="note">Test users at the bank, all with the password <code>sandbox</code>:</p>
<ul class="note">${TEST_USERS.map((user) => html`<li><code>${user.username}</code>: ${user.purpose}</li>`)}</ul>
</main>`;
}

function paymentChoice(choice: StartChoice, bankAccounts: BankAccountView[] | undefined): SafeHtml {
  if (bankAccounts === undefined) {
    return html`<p>The account’s Bank Accounts could not be read just now; reload the page to try again.</p>`;
  }
  if (bankAccounts.length === 0) {
    return html`<p>A payment consent is for one of the account’s Bank Accounts: connect bank accounts first.</p>`;
  }
  return html`<p>The consent lets the demo account make payments from one of its Bank Accounts.</p>
<p><label>Bank Account <select name="bankAccountId">${bankAccounts.map(
    (account) =>
      html`<option value="${account.id}"${account.id === choice.bankAccountId ? ' selected' : ''}>${account.bankAccountName} · ${account.bankAccountNumber} · ${account.test ? 'test' : 'live'}</option>`,
  )}</select></label></p>
<button type="submit">Give a payment consent</button>`;
}

function problemView({ words, detail }: StartProblem): SafeHtml {
  return html`<section class="outcome outcome-bad" role="alert" data-testid="start-problem">
<p><strong>${words.headline}.</strong> ${words.text}</p>
${detail ? html`<p class="note">${detail}</p>` : undefined}
</section>`;
}

function startProblemWords(reply: ApiReply, code: string | undefined): Words {
  if (reply.status === 'no-answer' || reply.status >= 500) {
    return code?.startsWith('PROVIDER_')
      ? RETRY_WORDS['bank-unavailable']
      : RETRY_WORDS['service-unavailable'];
  }
  if (reply.status === 429) {
    const wait = reply.retryAfterSeconds === undefined ? '' : ` Try again in ${reply.retryAfterSeconds} s.`;
    return { ...RETRY_WORDS['rate-limited'], text: `${RETRY_WORDS['rate-limited'].text}${wait}` };
  }
  if (code === 'LIVENESS_MISMATCH') {
    return {
      headline: 'The Bank Account is of the other bank',
      text: 'Test intents take test Bank Accounts only.',
    };
  }
  return refusalWords(reply.status, code);
}
