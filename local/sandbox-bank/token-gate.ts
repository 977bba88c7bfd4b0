import type { KoaContext, Middleware, Provider } from 'oidc-provider';
import type { BankState } from './bank-state';
import { readForm } from './read-form';
import { findTestUser } from './test-users';

/** oidc-provider's default path for the token endpoint. */
export const TOKEN_PATH = '/token';

/**
 * Wraps oidc-provider's token endpoint with the two behaviours this bank's profile adds, and counts.
 *
 * - Outage (olive): the first redemption attempt of her code answers 503 before oidc-provider sees it,
 *   so the code stays unused and a retry with the same code succeeds.
 * - Denial (Deny pressed): oidc-provider redeems the code as usual (client authentication, PKCE,
 *   redirect_uri, single use: all its own checks), then the gate throws the issued tokens away and answers
 *   `access_denied`. The code is consumed, so a second redemption gets oidc-provider's `invalid_grant`.
 * - Slow or broken answers (user sloane, or the faults switch): the code is redeemed first, then the
 *   answer is delayed or replaced by an unreadable one, as when a bank redeems a code and its answer is
 *   lost: a second redemption gets `invalid_grant`. The same holds for the poll that collects an
 *   approved decoupled request's tokens (the request is then used up).
 */
export function tokenGate(provider: Provider, state: BankState): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== TOKEN_PATH) return next();
    state.stats.tokenRequests += 1;

    if (state.hasPendingOutage() && (await meetsOutage(ctx, provider, state))) {
      ctx.body = {
        error: 'temporarily_unavailable',
        error_description: 'The bank is briefly unavailable; retry the same request.',
      };
      ctx.status = 503;
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Retry-After', '1');
      return;
    }

    await next();

    const code = ctx.oidc?.entities.AuthorizationCode;
    // A decoupled request's grant meets the same slow or broken answers as a code's redemption.
    const source = code ?? ctx.oidc?.entities.BackchannelAuthenticationRequest;
    if (ctx.status !== 200 || !source) return;
    if (code && state.isDenied(code.grantId)) {
      await ctx.oidc?.entities.AccessToken?.destroy();
      await ctx.oidc?.entities.Grant?.destroy();
      ctx.body = { error: 'access_denied', error_description: 'The user denied the authorization' };
      ctx.status = 400;
      return;
    }
    if (code) state.stats.redeemedCodes += 1;
    else state.stats.collectedDecoupledRequests += 1;

    const delayMs = state.faults.tokenDelayMs || (findTestUser(source.accountId ?? '')?.tokenDelayMs ?? 0);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (state.faults.tokenMalformed) {
      ctx.status = 200;
      ctx.body = { token_type: 'Bearer', note: 'no access token in this answer' };
    }
  };
}

/**
 * Reads the form only while an outage is pending, so that ordinary token requests reach oidc-provider
 * untouched: it parses bodies itself and, when a middleware has read one first, takes `request.body`
 * instead (printing a one-time "already parsed request body" warning).
 */
async function meetsOutage(ctx: KoaContext, provider: Provider, state: BankState): Promise<boolean> {
  const { raw, fields } = await readForm(ctx);
  ctx.request.body = raw;
  const value = fields.get('grant_type') === 'authorization_code' ? fields.get('code') : null;
  if (!value) return false;
  const code = await provider.AuthorizationCode.find(value);
  return code !== undefined && state.takeOutage(code.grantId);
}
