import type { KoaContext, Middleware, Provider } from 'oidc-provider';
import type { BankState } from './bank-state';

export const ACCOUNTS_PATH = '/accounts';
const ACCOUNTS_SCOPE = 'accounts';

/**
 * `GET /accounts`: the accounts the user ticked for the grant behind the bearer token, as
 * `[{ id, accountNumber, accountName }]`. Access tokens are opaque, so oidc-provider looks them up.
 */
export function accountsResource(provider: Provider, state: BankState): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== ACCOUNTS_PATH) return next();
    ctx.set('Cache-Control', 'no-store');
    if (state.faults.accountsStatus !== null) {
      ctx.status = state.faults.accountsStatus;
      ctx.body = 'The accounts service is unavailable.';
      return;
    }
    if (ctx.method !== 'GET') {
      ctx.status = 405;
      ctx.set('Allow', 'GET');
      return;
    }
    const bearer = /^Bearer ([\w.~+/-]+=*)$/i.exec(ctx.get('Authorization'))?.[1];
    if (!bearer) return challenge(ctx, 401);
    const token = await provider.AccessToken.find(bearer);
    if (!token)
      return challenge(ctx, 401, 'invalid_token', 'The access token is unknown, expired or revoked.');
    if (!token.scope?.split(' ').includes(ACCOUNTS_SCOPE)) {
      return challenge(ctx, 403, 'insufficient_scope', `The access token lacks scope ${ACCOUNTS_SCOPE}.`);
    }
    ctx.body = state
      .accountsSharedBy(token.grantId)
      .map(({ id, accountNumber, accountName }) => ({ id, accountNumber, accountName }));
  };
}

/** RFC 6750 §3: a request without a token gets the challenge alone, a refused token gets an error code. */
function challenge(ctx: KoaContext, status: 401 | 403, error?: string, description?: string): void {
  const params = [`realm="${ACCOUNTS_SCOPE}"`];
  if (error) params.push(`error="${error}"`, `error_description="${description}"`);
  if (status === 403) params.push(`scope="${ACCOUNTS_SCOPE}"`);
  ctx.set('WWW-Authenticate', `Bearer ${params.join(', ')}`);
  ctx.status = status;
  if (error) ctx.body = { error, error_description: description };
}
