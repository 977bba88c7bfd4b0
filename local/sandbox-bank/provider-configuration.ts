import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { type Configuration, errors, interactionPolicy } from 'oidc-provider';
import { API_SCOPES } from './api-scopes';
import type { BankState } from './bank-state';
import { cibaFeature, decoupledRequestTtl } from './decoupled-flow';
import { errorPage } from './pages';
import { PAYMENT_CONSENT_TYPE, validatePaymentConsent } from './payment-consent';
import { findTestUser } from './test-users';

export interface SandboxClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export { PAYMENT_CONSENT_TYPE } from './payment-consent';

/** OpenID CIBA's grant type, with which a client polls for a decoupled request's outcome. */
export const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba';

/** The bank's interaction pages live under this path (interaction-routes.ts). */
export const interactionPath = (uid: string) => `/interaction/${uid}`;

/**
 * oidc-provider's configuration for the sandbox bank: confidential clients only, code flow with PKCE
 * S256 required, and the decoupled flow (OpenID CIBA, poll mode); opaque access tokens, the bank's own
 * pages for login and consent.
 */
export function providerConfiguration(
  issuer: string,
  clients: SandboxClient[],
  state: BankState,
): Configuration {
  // RFC 8707: the bank's API is the one resource server, the audience of every access token.
  // oidc-provider needs one for Rich Authorization Requests, and resolves it by default.
  const bankApi = `${issuer}/`;
  return {
    clients: clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code', CIBA_GRANT_TYPE],
      response_types: ['code'],
      backchannel_token_delivery_mode: 'poll',
      token_endpoint_auth_method: 'client_secret_basic',
      authorization_details_types: [PAYMENT_CONSENT_TYPE],
    })),
    // Fresh keys on every start: nothing signed by an earlier run needs to verify, and oidc-provider's
    // development keys (with their warning) stay out.
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', ...API_SCOPES],
    claims: { openid: ['sub'] },
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic'],
    // oidc-provider 9 forces PKCE only for public clients by default; RFC 9700 wants it for all.
    // It accepts no method but S256.
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      ciba: cibaFeature(state),
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => bankApi,
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource !== bankApi) throw new errors.InvalidTarget(`unknown resource ${resource}`);
          // Opaque, so the accounts resource looks tokens up (and sees revocations) in oidc-provider.
          return { scope: API_SCOPES.join(' '), accessTokenFormat: 'opaque' };
        },
        // The token request need not repeat the resource: the code's single one is used.
        useGrantedResource: async () => true,
      },
      richAuthorizationRequests: {
        enabled: true,
        types: { [PAYMENT_CONSENT_TYPE]: { validate: validatePaymentConsent } },
        // The user approves the details as requested (the consent page and the banking app show them),
        // so the code and then the access token carry exactly what the grant holds; a decoupled request
        // carries them itself (decoupled-flow.ts).
        authorizationDetailsForGrantSource: async (ctx) => ctx.oidc.grant.rar,
        authorizationDetailsForAccessToken: async (_ctx, _token, source) => source.rar,
        authorizationDetailsForIntrospection: async (_ctx, token) => token.rar,
      },
    },
    interactions: {
      url: (_ctx, interaction) => interactionPath(interaction.uid),
      policy: policyWithLoginEveryTime(),
    },
    // One new grant per authorization: oidc-provider's default reuses the session's grant for the client,
    // which would skip the consent page and carry one user's decision (an account choice, a denial) into
    // the next authorization.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    // Codes and tokens live out their own lifetimes: oidc-provider's default ties them to the browser
    // session, so signing in as another user (which ends the session) would revoke what the app got.
    expiresWithSession: async () => false,
    findAccount: async (_ctx, sub) =>
      findTestUser(sub) ? { accountId: sub, claims: async () => ({ sub }) } : undefined,
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(out.error, out.error_description);
    },
    ttl: {
      // Long enough to copy a code by hand from the browser into a local request; RFC 6749 allows 10 minutes.
      AuthorizationCode: 300,
      AccessToken: 600,
      IdToken: 600,
      Interaction: 900,
      Session: 3600,
      Grant: 3600,
      BackchannelAuthenticationRequest: decoupledRequestTtl,
    },
  };
}

function signingKey(): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };
}

/**
 * Every authorization asks who is signing in, even with a live session cookie: one browser can then play
 * alice, then dan, the way browser tests and people trying the local stack use the sandbox.
 */
function policyWithLoginEveryTime() {
  const policy = interactionPolicy.base();
  const { Check } = interactionPolicy;
  policy
    .get('login')
    ?.checks.add(
      new Check(
        'sandbox_login_every_time',
        'the sandbox bank asks who signs in on every authorization',
        (ctx) => (ctx.oidc.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT),
      ),
    );
  return policy;
}
