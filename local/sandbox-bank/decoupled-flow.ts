import {
  type Account,
  type AuthorizationDetail,
  type BackchannelAuthenticationRequest,
  type CibaFeature,
  errors,
  type Provider,
  type ProviderContext,
} from 'oidc-provider';
import { API_SCOPES } from './api-scopes';
import type { BankState } from './bank-state';
import { DECOUPLED_REQUEST_TTL_SECONDS, type DecoupledRequest } from './decoupled-requests';
import type { Decision } from './form-fields';
import { findTestUser } from './test-users';

/**
 * A binding message is shown on the client's screen and in the banking app, so that the user can tell
 * the two belong together: short plain text (oidc-provider's default rule, plus spaces and colons).
 */
const BINDING_MESSAGE = /^[A-Za-z0-9 .,:_+/!?#-]{1,40}$/;

/**
 * oidc-provider's `features.ciba` for the sandbox bank: OpenID CIBA in poll mode. The login hint is a
 * test user's username; a request is then either answered by the user's own behaviour (carol approves,
 * dan denies, erin never answers: test-users.ts) or waits for the user in the banking app.
 */
export function cibaFeature(state: BankState): CibaFeature {
  return {
    enabled: true,
    deliveryModes: ['poll'],
    processLoginHint: async (_ctx, loginHint) => findTestUser(loginHint.trim())?.username,
    processLoginHintToken: async () => {
      throw new errors.InvalidRequest('this bank takes login_hint (the username), not login_hint_token');
    },
    // No user codes at this bank: the user approves in the banking app they are signed in to.
    verifyUserCode: async (_ctx, _account, userCode) => {
      if (userCode !== undefined) throw new errors.InvalidUserCode('this bank does not use user codes');
    },
    validateBindingMessage: async (_ctx, bindingMessage) => {
      if (bindingMessage !== undefined && !BINDING_MESSAGE.test(bindingMessage)) {
        throw new errors.InvalidBindingMessage(
          'binding_message must be 1 to 40 letters, digits, spaces or .,:_+/!?#-',
        );
      }
    },
    // request_context is opaque to this bank: it neither needs nor reads it.
    validateRequestContext: async () => undefined,
    triggerAuthenticationDevice: async (ctx, request, account) =>
      registerRequest(ctx.oidc.provider, state, request, account),
  };
}

/**
 * `ttl.BackchannelAuthenticationRequest`: the client may ask for less (`requested_expiry`); a user who
 * never answers (erin) makes the request expire sooner, at a lifetime the login page states.
 */
export function decoupledRequestTtl(
  ctx: ProviderContext | undefined,
  request: BackchannelAuthenticationRequest,
): number {
  const requested = Number(ctx?.oidc.params?.requested_expiry ?? Number.POSITIVE_INFINITY);
  const behaviour = findTestUser(request.accountId)?.decoupled;
  const userLimit = behaviour?.answer === 'never' ? behaviour.expiresInSeconds : Number.POSITIVE_INFINITY;
  return Math.min(DECOUPLED_REQUEST_TTL_SECONDS, requested, userLimit);
}

/** Keeps the request for the banking app and starts the user's own answer, if they have one. */
function registerRequest(
  provider: Provider,
  state: BankState,
  request: BackchannelAuthenticationRequest,
  account: Account,
): void {
  const now = Date.now();
  const { params } = request;
  const pending = state.decoupled.add({
    requestId: request.jti,
    username: account.accountId,
    clientId: request.clientId,
    scopes: (request.scope ?? '').split(' ').filter(Boolean),
    ...(typeof request.resource === 'string' ? { resource: request.resource } : {}),
    ...(typeof params.binding_message === 'string' ? { bindingMessage: params.binding_message } : {}),
    // oidc-provider parsed and validated it already (validatePaymentConsent for our one type).
    authorizationDetails:
      typeof params.authorization_details === 'string'
        ? (JSON.parse(params.authorization_details) as AuthorizationDetail[])
        : [],
    createdAt: now,
    expiresAt: now + request.expiration * 1000,
  });
  const behaviour = findTestUser(account.accountId)?.decoupled;
  if (behaviour && behaviour.answer !== 'never') {
    const decision: Decision = behaviour.answer;
    state.decoupled.schedule(behaviour.afterMs, async () => {
      await decideDecoupledRequest(provider, state, pending, decision);
    });
  }
}

/**
 * The user's answer to a decoupled request, from the banking app or their own behaviour: approval makes
 * a grant of everything requested (the scopes, the authorization details as sent, and for `accounts`
 * every account the user holds, as the accounts resource then lists them); denial ends the request with
 * `access_denied`. False when the request was no longer open (answered already, or expired).
 */
export async function decideDecoupledRequest(
  provider: Provider,
  state: BankState,
  request: DecoupledRequest,
  decision: Decision,
): Promise<boolean> {
  const now = Date.now();
  if (!state.decoupled.settle(request, decision === 'approve' ? 'approved' : 'denied', now)) return false;
  if (decision === 'deny') {
    await provider.backchannelResult(
      request.requestId,
      new errors.AccessDenied('The user denied the authorization'),
    );
    return true;
  }
  const grant = new provider.Grant({ accountId: request.username, clientId: request.clientId });
  const openIdScopes = request.scopes.filter((scope) => !API_SCOPES.includes(scope));
  const apiScopes = request.scopes.filter((scope) => API_SCOPES.includes(scope));
  if (openIdScopes.length > 0) grant.addOIDCScope(openIdScopes.join(' '));
  if (request.resource && apiScopes.length > 0) grant.addResourceScope(request.resource, apiScopes.join(' '));
  for (const detail of request.authorizationDetails) grant.addRar(detail);
  const grantId = await grant.save();
  const accounts = apiScopes.includes('accounts') ? (findTestUser(request.username)?.accounts ?? []) : [];
  state.recordApproval(grantId, accounts, { outage: false });
  await provider.backchannelResult(request.requestId, grantId, {
    authTime: Math.floor(now / 1000),
    // The token carries the details as requested (authorizationDetailsForAccessToken reads them here).
    rar: [...request.authorizationDetails],
  });
  return true;
}
