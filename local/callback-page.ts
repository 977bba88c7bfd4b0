import type { ServerResponse } from 'node:http';
import type { BankAccount, ConnectionIntent } from '../functions/shared/domain/schemas';
import { escapeHtml, page } from './html';
import type { LocalPage } from './local-api';

export const CALLBACK_PATH = '/callback';
const FINISH_PATH = '/callback/finish';

export interface CallbackPageOptions {
  /** Where the API listens (this same server). */
  apiUrl: () => string;
  /** The demo API key the page finishes flows with, as the integrator's back end would. */
  apiKey: string;
  intents: { get(id: string): Promise<ConnectionIntent | undefined> };
  bankAccounts: { listByAccount(accountId: string): Promise<BankAccount[]> };
}

/**
 * The page at the registered redirect URI, standing in for the integrator's app: it shows what the
 * bank sent back and, with one click, posts the code to the authorize operation, then shows the
 * intent's outcome and the account's Bank Accounts.
 */
export function callbackPage(options: CallbackPageOptions): LocalPage {
  return async (request, response, body) => {
    const url = new URL(request.url ?? '/', 'http://local');
    if (url.pathname === CALLBACK_PATH && request.method === 'GET') {
      html(response, 200, await returnedPage(options, url.searchParams));
      return true;
    }
    if (url.pathname === FINISH_PATH && request.method === 'POST') {
      const form = new URLSearchParams(body);
      html(response, 200, await finish(options, form.get('intentId') ?? '', form.get('code') ?? ''));
      return true;
    }
    return false;
  };
}

/** The state is `<intent id>.<random>`: the id says which intent came back. */
const intentIdOf = (state: string | null): string => (state ?? '').split('.')[0] ?? '';

async function returnedPage(options: CallbackPageOptions, params: URLSearchParams): Promise<string> {
  const intentId = intentIdOf(params.get('state'));
  const error = params.get('error');
  if (error) {
    return page(
      'Authorization not completed',
      `<h1>The bank returned an error</h1>
<dl><dt>Error</dt><dd><code>${escapeHtml(error)}</code></dd>
<dt>Description</dt><dd>${escapeHtml(params.get('error_description'))}</dd>
<dt>Intent</dt><dd class="mono">${escapeHtml(intentId)}</dd></dl>`,
    );
  }
  // The redirect target checks that the state is the one bound to the intent (RFC 9700 CSRF
  // protection); the authorize operation itself only receives the code.
  const intent = await options.intents.get(intentId);
  if (!intent?.oauth || intent.oauth.state !== params.get('state')) {
    return page(
      'Unexpected state',
      `<h1>This response does not belong to a pending intent</h1>
<p>The <code>state</code> the bank returned is not the one bound to a pending intent, so it was not used.</p>
<dl><dt>State</dt><dd class="mono" data-testid="state">${escapeHtml(params.get('state'))}</dd></dl>`,
    );
  }
  const code = params.get('code') ?? '';
  return page(
    'Back from the bank',
    `<h1>Back from the bank</h1>
<p>The bank redirected here with an authorization code. Finishing posts it to
<code>POST /api/bank-account-connection-intents/${escapeHtml(intentId)}/authorize</code>.</p>
<dl>
<dt>Intent</dt><dd class="mono" data-testid="intent-id">${escapeHtml(intentId)}</dd>
<dt>Code</dt><dd class="mono" data-testid="code">${escapeHtml(code)}</dd>
<dt>State</dt><dd class="mono" data-testid="state">${escapeHtml(params.get('state'))}</dd>
<dt>Issuer</dt><dd class="mono">${escapeHtml(params.get('iss'))}</dd>
</dl>
<form method="post" action="${FINISH_PATH}">
<input type="hidden" name="intentId" value="${escapeHtml(intentId)}">
<input type="hidden" name="code" value="${escapeHtml(code)}">
<button type="submit">Finish connection</button>
</form>`,
  );
}

async function finish(options: CallbackPageOptions, intentId: string, code: string): Promise<string> {
  const response = await fetch(
    `${options.apiUrl()}/api/bank-account-connection-intents/${encodeURIComponent(intentId)}/authorize`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': options.apiKey },
      body: JSON.stringify({ code }),
    },
  );
  const answer = await response.text();
  const intent = await options.intents.get(intentId);
  const bankAccounts = intent ? await options.bankAccounts.listByAccount(intent.accountId) : [];
  const rows = bankAccounts
    .map(
      (account) =>
        `<tr><td>${escapeHtml(account.name)}</td><td class="mono">${escapeHtml(account.accountNumber)}</td>` +
        `<td class="mono">${escapeHtml(account.id)}</td><td>${account.test ? 'test' : 'live'}</td>` +
        `<td>${account.enduringPaymentConsentAuthorized ? 'yes' : ''}</td></tr>`,
    )
    .join('\n');
  return page(
    'Connection outcome',
    `<h1>Connection outcome</h1>
<dl>
<dt>Authorize answered</dt><dd><code data-testid="authorize-status">${response.status}</code> <code>${escapeHtml(answer)}</code></dd>
<dt>Intent</dt><dd class="mono">${escapeHtml(intentId)}</dd>
<dt>Status</dt><dd><span data-testid="intent-status" class="status status-${escapeHtml(intent?.status)}">${escapeHtml(intent?.status ?? 'unknown')}</span></dd>
</dl>
<h2>Bank Accounts of the account (${bankAccounts.length})</h2>
<table data-testid="bank-accounts">
<thead><tr><th>Name</th><th>Account number</th><th>Id</th><th>Liveness</th><th>Payment consent</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="5">None yet.</td></tr>'}
</tbody>
</table>`,
  );
}

function html(response: ServerResponse, statusCode: number, body: string): void {
  response.writeHead(statusCode, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(body);
}
