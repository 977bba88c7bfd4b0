import type { Middleware } from 'oidc-provider';
import type { BankState } from './bank-state';

export const STATS_PATH = '/sandbox/stats';

/** `GET /sandbox/stats`: counters a test reads to prove, for instance, that a code was redeemed exactly once. */
export function statsRoute(state: BankState): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== STATS_PATH) return next();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ...state.stats };
  };
}
