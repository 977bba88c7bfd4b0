import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { type Configuration, errors, interactionPolicy } from 'oidc-provider';
import { errorPage } from './pages';
import { findTestUser } from './test-users';

export interface SandboxClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/** The RFC 9396 type the service sends with scope `payments` (functions/shared/provider/quartz-provider.ts). */
export const PAYMENT_CONSENT_TYPE = 'enduring_payment_consent';

/** The scopes of the bank's API (accounts-resource.ts serves `accounts`). */
const API_SCOPES = ['accounts', 'payments'];

/** The bank's interaction pages live under this path (interaction-routes.ts). */
export const interactionPath = (uid: string) => `/interaction/${uid}`;

/**
 * oidc-provider's configuration for the sandbox bank: confidential clients only, code flow with PKCE
 * S256 required, opaque access tokens, the bank's own pages for login and consent.
 */
export function providerConfiguration(issuer: string, clients: SandboxClient[]): Configuration {
  // RFC 8707: the bank's API is the one resource server, the audience of every access token.
  // oidc-provider needs one for Rich Authorization Requests, and resolves it by default.
  const bankApi = `${issuer}/`;
  return {
    clients: clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
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
        // The user approves the details as requested (the consent page shows them), so the code and
        // then the access token carry exactly what the grant holds.
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

function validatePaymentConsent(_ctx: unknown, detail: Record<string, unknown>): void {
  const { account_number: accountNumber, account_id: accountId } = detail;
  if (typeof accountNumber !== 'string' || accountNumber.length === 0 || accountNumber.length > 64) {
    throw new errors.InvalidAuthorizationDetails(`${PAYMENT_CONSENT_TYPE} needs an account_number`);
  }
  if (accountId !== undefined && (typeof accountId !== 'string' || accountId.length === 0)) {
    throw new errors.InvalidAuthorizationDetails(`${PAYMENT_CONSENT_TYPE} account_id must be a string`);
  }
}
