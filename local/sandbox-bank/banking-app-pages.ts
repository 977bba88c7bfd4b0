import { BANKING_APP_NOTICES, type BankingAppNotice, bankingAppPaths } from './banking-app-paths';
import type { DecoupledRequest } from './decoupled-requests';
import { FORM_FIELDS } from './form-fields';
import { html, type SafeHtml } from './html';
import { errorNotice, layout, paymentConsent, scopeList, signInForm, testUsersTable } from './pages';
import { paymentConsentViews } from './payment-consent';
import type { TestUser } from './test-users';

export function bankingAppSignInPage(view: { username?: string; error?: string } = {}): string {
  return layout(
    'Banking app',
    html`<h1>Sign in to your banking app</h1>
<p>Requests that apps send to your bank without a browser (decoupled requests) wait for you here.</p>
${errorNotice(view.error)}
${signInForm(bankingAppPaths.signIn, view.username)}
${testUsersTable()}`,
  );
}

export interface BankingAppView {
  user: TestUser;
  requests: DecoupledRequest[];
  now: number;
  notice?: BankingAppNotice;
}

export function bankingAppPage(view: BankingAppView): string {
  const notice = view.notice
    ? html`<p class="notice" role="status">${BANKING_APP_NOTICES[view.notice]}</p>`
    : undefined;
  const requests =
    view.requests.length === 0
      ? html`<p data-testid="no-requests">No requests are waiting for you.</p>`
      : view.requests.map((request) => requestCard(view.user, request, view.now));
  return layout(
    'Banking app',
    html`<nav>
<span>Signed in as <strong>${view.user.displayName}</strong> (<code>${view.user.username}</code>)</span>
<form method="post" action="${bankingAppPaths.signOut}"><button type="submit" class="link">Sign out</button></form>
</nav>
<h1>Requests waiting for you</h1>
${notice}
${requests}
<p><a href="${bankingAppPaths.home}">Refresh</a> to see requests that arrived since.</p>`,
  );
}

function requestCard(user: TestUser, request: DecoupledRequest, now: number): SafeHtml {
  const payments = paymentConsentViews(request.authorizationDetails, user);
  const sharesAccounts = request.scopes.includes('accounts');
  const secondsLeft = Math.max(0, Math.ceil((request.expiresAt - now) / 1000));
  const label = request.bindingMessage ?? request.clientId;
  return html`<section class="request" aria-label="Request ${label}" data-testid="decoupled-request">
<h2>${request.clientId} asks for your approval</h2>
${
  request.bindingMessage
    ? html`<p>Check that the app shows the same code: <strong class="binding" data-testid="binding-message">${request.bindingMessage}</strong></p>`
    : html`<p>The app sent no code to compare; approve only if you started this request.</p>`
}
<p><strong>${request.clientId}</strong> asks to:</p>
<ul>${scopeList(request.scopes)}</ul>
${
  sharesAccounts
    ? html`<p>Approving shares all your accounts: ${user.accounts.map((account, index) => html`${index > 0 ? ', ' : ''}${account.accountName} · ${account.accountNumber}`)}.</p>`
    : undefined
}
${payments.map((payment) => paymentConsent(request.clientId, payment))}
<p>This request expires in ${secondsLeft} seconds.</p>
<form method="post" action="${bankingAppPaths.request(request.id)}">
<div class="actions">
<button type="submit" class="primary" name="${FORM_FIELDS.decision}" value="approve">Approve</button>
<button type="submit" class="secondary" name="${FORM_FIELDS.decision}" value="deny">Deny</button>
</div>
</form>
</section>`;
}
