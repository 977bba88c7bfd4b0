import { errors, type Interaction, type KoaContext, type Middleware, type Provider } from 'oidc-provider';
import type { BankState } from './bank-state';
import { DECISIONS, type Decision, FORM_FIELDS } from './form-fields';
import { type ConsentView, consentPage, errorPage, loginPage } from './pages';
import { paymentConsentViews } from './payment-consent';
import { interactionPath } from './provider-configuration';
import { readForm } from './read-form';
import { findTestUser, SANDBOX_PASSWORD, type TestUser } from './test-users';

const ROUTE = /^\/interaction\/[\w-]+(?:\/(login|consent))?$/;

/**
 * The bank's own login and consent pages, where oidc-provider sends the browser (`interactions.url`):
 * `GET /interaction/:uid` shows the page the pending prompt needs, `POST .../login` and `POST .../consent`
 * take its form and hand the result back to oidc-provider, which resumes the authorization request.
 */
export function interactionRoutes(provider: Provider, state: BankState): Middleware {
  return async (ctx, next) => {
    const match = ROUTE.exec(ctx.path);
    const step = match?.[1];
    const showsPage = ctx.method === 'GET' && step === undefined;
    const takesForm = ctx.method === 'POST' && step !== undefined;
    if (!match || !(showsPage || takesForm)) return next();
    ctx.set('Cache-Control', 'no-store');
    try {
      // Found by the interaction cookie, which oidc-provider scopes to this interaction's path.
      const interaction = await provider.interactionDetails(ctx.req, ctx.res);
      if (step === 'login' && interaction.prompt.name === 'login') {
        return await submitLogin(ctx, provider, interaction);
      }
      if (step === 'consent' && interaction.prompt.name === 'consent') {
        return await submitConsent(ctx, provider, state, interaction);
      }
      // A form of a step already done (the back button, a second tab): show the step pending now.
      return showPrompt(ctx, interaction);
    } catch (error) {
      if (!(error instanceof errors.SessionNotFound)) throw error;
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = errorPage(
        'session_not_found',
        'This sign-in has expired or was started in another browser.',
      );
    }
  };
}

function showPrompt(ctx: KoaContext, interaction: Interaction): void {
  ctx.type = 'html';
  const user = signedInUser(interaction);
  if (interaction.prompt.name === 'login') {
    ctx.body = loginPage(loginView(interaction));
  } else if (interaction.prompt.name === 'consent' && user) {
    ctx.body = consentPage(consentView(interaction, user));
  } else {
    ctx.status = 400;
    ctx.body = errorPage(
      'unsupported_prompt',
      `The sandbox bank has no page for "${interaction.prompt.name}".`,
    );
  }
}

async function submitLogin(ctx: KoaContext, provider: Provider, interaction: Interaction): Promise<void> {
  const { fields } = await readForm(ctx);
  const username = fields.get(FORM_FIELDS.username)?.trim() ?? '';
  const user = findTestUser(username);
  if (!user || fields.get(FORM_FIELDS.password) !== SANDBOX_PASSWORD) {
    ctx.status = 401;
    ctx.type = 'html';
    ctx.body = loginPage({
      ...loginView(interaction),
      username,
      error: 'Unknown username or wrong password.',
    });
    return;
  }
  // remember: false keeps the session cookie to the browser session; the bank asks again anyway.
  const returnTo = await provider.interactionResult(
    ctx.req,
    ctx.res,
    { login: { accountId: user.username, remember: false } },
    { mergeWithLastSubmission: false },
  );
  redirect(ctx, returnTo);
}

/**
 * Approve and Deny both make a grant and let oidc-provider issue a code: this bank's documented profile
 * reports a denial when the code is redeemed (token-gate.ts answers access_denied), not on the redirect.
 */
async function submitConsent(
  ctx: KoaContext,
  provider: Provider,
  state: BankState,
  interaction: Interaction,
): Promise<void> {
  const user = signedInUser(interaction);
  if (!user) return showPrompt(ctx, interaction);
  const { fields } = await readForm(ctx);
  const decision = parseDecision(fields.get(FORM_FIELDS.decision));
  const view = consentView(interaction, user);
  const chosenIds = new Set(fields.getAll(FORM_FIELDS.accounts));
  const chosenAccounts = user.accounts.filter((account) => chosenIds.has(account.id));

  const problem = !decision
    ? 'Choose Approve or Deny.'
    : decision === 'approve' && view.asksForAccounts && chosenAccounts.length === 0
      ? 'Choose at least one account to share, or deny.'
      : undefined;
  if (problem) {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = consentPage({ ...view, selectedAccountIds: [...chosenIds], error: problem });
    return;
  }

  const grantId = await saveGrant(provider, interaction, user);
  const outage = user.outageOnFirstRedemption === true;
  if (decision === 'approve') state.recordApproval(grantId, chosenAccounts, { outage });
  else state.recordDenial(grantId, { outage });

  const returnTo = await provider.interactionResult(
    ctx.req,
    ctx.res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
  redirect(ctx, returnTo);
}

/** A grant holding everything the request asked for, so that oidc-provider can finish it. */
async function saveGrant(provider: Provider, interaction: Interaction, user: TestUser): Promise<string> {
  const { details } = interaction.prompt;
  const grant = new provider.Grant({
    accountId: user.username,
    clientId: interaction.params.client_id ?? '',
  });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  for (const detail of details.rar ?? []) grant.addRar(detail);
  return grant.save();
}

function loginView(interaction: Interaction) {
  return {
    formAction: `${interactionPath(interaction.uid)}/login`,
    clientId: interaction.params.client_id ?? '',
  };
}

function consentView(interaction: Interaction, user: TestUser): ConsentView {
  const scopes = (interaction.params.scope ?? '').split(' ').filter(Boolean);
  const payments = paymentConsentViews(interaction.prompt.details.rar ?? [], user);
  return {
    formAction: `${interactionPath(interaction.uid)}/consent`,
    clientId: interaction.params.client_id ?? '',
    user,
    scopes,
    asksForAccounts: scopes.includes('accounts'),
    payments,
  };
}

function signedInUser(interaction: Interaction): TestUser | undefined {
  return interaction.session ? findTestUser(interaction.session.accountId) : undefined;
}

function parseDecision(value: string | null): Decision | undefined {
  return DECISIONS.find((decision) => decision === value);
}

/** 303: the browser follows a POST's answer with a GET, as oidc-provider's own redirects do. */
function redirect(ctx: KoaContext, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}
