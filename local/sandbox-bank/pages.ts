import { FORM_FIELDS } from './form-fields';
import { html, SafeHtml } from './html';
import { PAYMENT_CONSENT_TYPE, type PaymentConsentView } from './payment-consent';
import { SANDBOX_PASSWORD, TEST_USERS, type TestUser } from './test-users';

export const BANK_NAME = 'Quartz Sandbox Bank';

const STYLESHEET = `
  body { font: 16px/1.5 system-ui, sans-serif; color: #1d2733; background: #eef2f6; margin: 0; }
  main { max-width: 34rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 8px;
         box-shadow: 0 1px 4px rgb(0 0 0 / 0.12); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  .bank { color: #4b5a6a; font-size: 0.9rem; letter-spacing: 0.04em; text-transform: uppercase; }
  .error { color: #8a1c1c; background: #fdecec; padding: 0.6rem 0.8rem; border-radius: 4px; }
  label { display: block; margin: 0.8rem 0 0.2rem; font-weight: 600; }
  input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: 0.5rem;
         font: inherit; border: 1px solid #9aa7b4; border-radius: 4px; }
  fieldset { border: 1px solid #c9d2db; border-radius: 4px; margin: 1rem 0; }
  fieldset label { font-weight: 400; margin: 0.4rem 0; }
  table { border-collapse: collapse; width: 100%; margin-top: 0.5rem; font-size: 0.9rem; }
  th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #e1e6eb; vertical-align: top; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1rem; }
  dt { font-weight: 600; } dd { margin: 0; }
  .actions { display: flex; gap: 0.8rem; margin-top: 1.5rem; }
  button { font: inherit; padding: 0.55rem 1.4rem; border-radius: 4px; border: 1px solid #1f5fa8; cursor: pointer; }
  button.primary { background: #1f5fa8; color: #fff; }
  button.secondary { background: #fff; color: #1f5fa8; }
  code { background: #eef2f6; padding: 0 0.25rem; border-radius: 3px; }
  .notice { color: #1c5a2a; background: #e8f5ec; padding: 0.6rem 0.8rem; border-radius: 4px; }
  .request { border: 1px solid #c9d2db; border-radius: 6px; padding: 0.2rem 1rem 1rem; margin: 1rem 0; }
  .binding { font-size: 1.3rem; letter-spacing: 0.05em; }
  nav { display: flex; justify-content: space-between; align-items: center; margin-bottom: 1.2rem; }
  button.link { border: none; background: none; color: #1f5fa8; padding: 0; text-decoration: underline; }
`;

/** A constant of this file, never a request value: the one piece of markup that skips escaping. */
const STYLESHEET_MARKUP = new SafeHtml(STYLESHEET);

export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Confirm that you signed in to this bank',
  accounts: 'See the name and number of the accounts you choose',
  payments: 'Make payments from the account named below, until you revoke the consent',
};

export function layout(title: string, content: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${BANK_NAME}</title>
<style>${STYLESHEET_MARKUP}</style>
</head>
<body>
<main>
<p class="bank">${BANK_NAME}</p>
${content}
</main>
</body>
</html>
`.markup;
}

export const errorNotice = (message: string | undefined) =>
  message ? html`<p class="error" role="alert">${message}</p>` : undefined;

export interface LoginView {
  formAction: string;
  clientId: string;
  username?: string;
  error?: string;
}

/** The test users, their password and what each is for; both sign-in pages show it. */
export function testUsersTable(): SafeHtml {
  const users = TEST_USERS.map(
    (user) =>
      html`<tr><td><code>${user.username}</code></td><td>${user.displayName}</td><td>${user.purpose}</td></tr>`,
  );
  return html`<h2>Test users</h2>
<p>Every test user's password is <code>${SANDBOX_PASSWORD}</code>.</p>
<table>
<thead><tr><th>Username</th><th>Name</th><th>Use it to</th></tr></thead>
<tbody>${users}</tbody>
</table>`;
}

/** The username and password form of both sign-ins: the bank's login page and its banking app. */
export function signInForm(action: string, username: string | undefined): SafeHtml {
  return html`<form method="post" action="${action}">
<label for="${FORM_FIELDS.username}">Username</label>
<input type="text" id="${FORM_FIELDS.username}" name="${FORM_FIELDS.username}" value="${username ?? ''}" autocomplete="username" required autofocus>
<label for="${FORM_FIELDS.password}">Password</label>
<input type="password" id="${FORM_FIELDS.password}" name="${FORM_FIELDS.password}" autocomplete="current-password" required>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>`;
}

export function loginPage(view: LoginView): string {
  return layout(
    'Sign in',
    html`<h1>Sign in to connect your bank</h1>
<p><strong>${view.clientId}</strong> wants to connect to your accounts at ${BANK_NAME}.</p>
${errorNotice(view.error)}
${signInForm(view.formAction, view.username)}
${testUsersTable()}`,
  );
}

export interface ConsentView {
  formAction: string;
  clientId: string;
  user: TestUser;
  scopes: string[];
  asksForAccounts: boolean;
  payments: PaymentConsentView[];
  selectedAccountIds?: string[];
  error?: string;
}

export function consentPage(view: ConsentView): string {
  const scopes = scopeList(view.scopes);
  return layout(
    'Approve access',
    html`<h1>Approve access for ${view.clientId}</h1>
<p>Signed in as <strong>${view.user.displayName}</strong> (<code>${view.user.username}</code>).</p>
<p><strong>${view.clientId}</strong> asks to:</p>
<ul>${scopes}</ul>
${errorNotice(view.error)}
<form method="post" action="${view.formAction}">
${view.asksForAccounts ? accountChoice(view) : undefined}
${view.payments.map((payment) => paymentConsent(view.clientId, payment))}
<div class="actions">
<button type="submit" class="primary" name="${FORM_FIELDS.decision}" value="approve">Approve</button>
<button type="submit" class="secondary" name="${FORM_FIELDS.decision}" value="deny">Deny</button>
</div>
</form>`,
  );
}

function accountChoice(view: ConsentView): SafeHtml {
  const selected = new Set(view.selectedAccountIds ?? []);
  const boxes = view.user.accounts.map((account) => {
    const id = `account-${account.id}`;
    return html`<label for="${id}"><input type="checkbox" id="${id}" name="${FORM_FIELDS.accounts}" value="${account.id}"${selected.has(account.id) ? html` checked` : undefined}> ${account.accountName} · ${account.accountNumber}</label>`;
  });
  return html`<fieldset>
<legend>Accounts to share</legend>
${boxes}
</fieldset>`;
}

/** The requested scopes, each with what it lets the client do. */
export function scopeList(scopes: readonly string[]): SafeHtml[] {
  return scopes.map(
    (scope) =>
      html`<li><code>${scope}</code>: ${SCOPE_DESCRIPTIONS[scope] ?? 'Access this bank has no description for'}</li>`,
  );
}

/** A payment consent with its account and limits; the consent page and the banking app both show it. */
export function paymentConsent(clientId: string, payment: PaymentConsentView): SafeHtml {
  const limit = payment.totalAmount
    ? html`up to <strong>${payment.totalAmount}</strong>${payment.period ? html` ${payment.period}` : undefined}`
    : html`with no limit on the amount`;
  return html`<fieldset>
<legend>Payment consent</legend>
<dl>
${payment.name ? html`<dt>Consent name</dt><dd data-testid="consent-name">${payment.name}</dd>` : undefined}
<dt>Account number</dt><dd>${payment.accountNumber}</dd>
${payment.heldAccount ? html`<dt>Account</dt><dd>${payment.heldAccount.accountName}</dd>` : undefined}
${payment.accountId ? html`<dt>Account id</dt><dd><code>${payment.accountId}</code></dd>` : undefined}
<dt>Amount limit</dt><dd data-testid="consent-amount">${payment.totalAmount ?? 'none'}</dd>
${payment.period ? html`<dt>Period</dt><dd data-testid="consent-period">${payment.period}</dd>` : undefined}
<dt>Consent type</dt><dd><code>${PAYMENT_CONSENT_TYPE}</code></dd>
</dl>
${payment.heldAccount ? undefined : html`<p class="error">This sandbox user holds no account with this number; the sandbox lets you approve anyway.</p>`}
<p>By approving, you allow <strong>${clientId}</strong> to make payments from account ${payment.accountNumber} ${limit}, until you revoke this consent.</p>
</fieldset>`;
}

export function errorPage(error: string, description: string | undefined): string {
  return layout(
    'Something went wrong',
    html`<h1>This request could not be completed</h1>
<p class="error" role="alert"><code>${error}</code>${description ? html`: ${description}` : undefined}</p>
<p>Start again from the app that sent you here.</p>`,
  );
}
