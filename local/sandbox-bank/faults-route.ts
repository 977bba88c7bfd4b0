import type { Middleware } from 'oidc-provider';
import type { BankState } from './bank-state';
import { bankFaultsSchema } from './faults';
import { readJson } from './read-form';

export const FAULTS_PATH = '/sandbox/faults';

/**
 * `GET /sandbox/faults` shows the faults in force; `PUT` replaces them with a JSON body (fields left
 * out are switched off), `DELETE` switches all off. The bank listens on loopback only.
 */
export function faultsRoute(state: BankState): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== FAULTS_PATH) return next();
    ctx.set('Cache-Control', 'no-store');
    if (ctx.method === 'PUT') {
      const parsed = bankFaultsSchema.safeParse(await readJson(ctx));
      if (!parsed.success) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_request', error_description: parsed.error.message };
        return;
      }
      state.faults = parsed.data;
    } else if (ctx.method === 'DELETE') {
      state.clearFaults();
    } else if (ctx.method !== 'GET') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, PUT, DELETE');
      return;
    }
    ctx.body = state.faults;
  };
}
