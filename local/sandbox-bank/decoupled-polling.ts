import type { KoaContext, Middleware } from 'oidc-provider';
import type { BankState } from './bank-state';
import { POLL_INTERVAL_SECONDS, SLOW_DOWN_STEP_SECONDS } from './decoupled-requests';
import { CIBA_GRANT_TYPE } from './provider-configuration';
import { TOKEN_PATH } from './token-gate';

/** oidc-provider's default path for the backchannel authentication endpoint. */
export const BACKCHANNEL_PATH = '/backchannel';

/**
 * The poll pacing of decoupled requests, which oidc-provider leaves to the deployment: the
 * backchannel authentication response names the `interval` a client waits between polls, and a poll
 * of a still pending request that comes sooner than that after the last one answers `slow_down` and
 * raises the request's interval by 5 seconds for every later poll (CIBA §11). The first poll may
 * come at any time. An answered request's poll is never held back: its tokens are ready.
 */
export function decoupledPolling(state: BankState): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST') return next();
    if (ctx.path === BACKCHANNEL_PATH) {
      await next();
      if (ctx.status === 200 && isRecord(ctx.body) && typeof ctx.body.auth_req_id === 'string') {
        ctx.body = { ...ctx.body, interval: POLL_INTERVAL_SECONDS };
      }
      return;
    }
    if (ctx.path !== TOKEN_PATH) return next();
    await next();
    pacePoll(ctx, state);
  };
}

function pacePoll(ctx: KoaContext, state: BankState): void {
  const params = ctx.oidc?.params;
  if (params?.grant_type !== CIBA_GRANT_TYPE || typeof params.auth_req_id !== 'string') return;
  const request = state.decoupled.findByRequestId(params.auth_req_id);
  if (!request) return;
  const now = Date.now();
  const tooSoon =
    request.lastPollAt !== undefined && now - request.lastPollAt < request.intervalSeconds * 1000;
  request.lastPollAt = now;
  if (tooSoon && ctx.status === 400 && isRecord(ctx.body) && ctx.body.error === 'authorization_pending') {
    request.intervalSeconds += SLOW_DOWN_STEP_SECONDS;
    ctx.body = {
      error: 'slow_down',
      error_description: `Poll at most every ${request.intervalSeconds} seconds.`,
    };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
