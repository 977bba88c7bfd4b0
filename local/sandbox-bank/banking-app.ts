import { randomBytes } from 'node:crypto';
import type { KoaContext, Middleware, Provider } from 'oidc-provider';
import type { BankState } from './bank-state';
import { bankingAppPage, bankingAppSignInPage } from './banking-app-pages';
import {
  BANKING_APP_NOTICES,
  BANKING_APP_PATH,
  type BankingAppNotice,
  bankingAppPaths,
} from './banking-app-paths';
import { decideDecoupledRequest } from './decoupled-flow';
import { DECISIONS, FORM_FIELDS } from './form-fields';
import { readForm } from './read-form';
import { findTestUser, SANDBOX_PASSWORD } from './test-users';

const SESSION_COOKIE = 'sandbox_banking_app';
const REQUEST_ROUTE = /^\/app\/requests\/([\w-]{1,64})$/;

/**
 * The bank's "banking app", where a person signs in as a test user and answers that user's decoupled
 * (CIBA) requests: `GET /app` lists the requests still waiting (binding message, scopes, a payment
 * consent's limits), `POST /app/requests/:id` approves or denies one. Its session is a cookie of its own,
 * apart from oidc-provider's, kept in memory; SameSite=Strict keeps other sites' forms from using it.
 */
export function bankingApp(provider: Provider, state: BankState): Middleware {
  const sessions = new Map<string, string>();

  return async (ctx, next) => {
    if (ctx.path !== BANKING_APP_PATH && !ctx.path.startsWith(`${BANKING_APP_PATH}/`)) return next();
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    const token = sessionToken(ctx);
    const user = token ? findTestUser(sessions.get(token) ?? '') : undefined;

    if (ctx.method === 'GET' && ctx.path === bankingAppPaths.home) {
      if (!user) {
        ctx.body = bankingAppSignInPage();
        return;
      }
      const now = Date.now();
      ctx.body = bankingAppPage({
        user,
        requests: state.decoupled.pendingFor(user.username, now),
        now,
        ...noticeOf(ctx),
      });
      return;
    }
    if (ctx.method !== 'POST') return notFound(ctx);

    if (ctx.path === bankingAppPaths.signIn) {
      const { fields } = await readForm(ctx);
      const username = fields.get(FORM_FIELDS.username)?.trim() ?? '';
      const signingIn = findTestUser(username);
      if (!signingIn || fields.get(FORM_FIELDS.password) !== SANDBOX_PASSWORD) {
        ctx.status = 401;
        ctx.body = bankingAppSignInPage({ username, error: 'Unknown username or wrong password.' });
        return;
      }
      const newToken = randomBytes(24).toString('base64url');
      sessions.set(newToken, signingIn.username);
      if (token) sessions.delete(token);
      ctx.set('Set-Cookie', sessionCookie(newToken));
      return seeOther(ctx, bankingAppPaths.home);
    }
    if (ctx.path === bankingAppPaths.signOut) {
      if (token) sessions.delete(token);
      ctx.set('Set-Cookie', sessionCookie('', 0));
      return seeOther(ctx, bankingAppPaths.home);
    }

    const requestId = REQUEST_ROUTE.exec(ctx.path)?.[1];
    if (requestId === undefined) return notFound(ctx);
    if (!user) return seeOther(ctx, bankingAppPaths.home);
    const { fields } = await readForm(ctx);
    const decision = DECISIONS.find((value) => value === fields.get(FORM_FIELDS.decision));
    if (!decision) {
      ctx.status = 400;
      ctx.body = 'Choose Approve or Deny.';
      ctx.type = 'text';
      return;
    }
    // Another user's request is as unknown here as one that never existed.
    const request = state.decoupled.find(requestId);
    const decided =
      request?.username === user.username &&
      (await decideDecoupledRequest(provider, state, request, decision));
    const notice: BankingAppNotice = !decided ? 'closed' : decision === 'approve' ? 'approved' : 'denied';
    return seeOther(ctx, `${bankingAppPaths.home}?notice=${notice}`);
  };
}

function noticeOf(ctx: KoaContext): { notice?: BankingAppNotice } {
  const value = new URL(ctx.req.url ?? '/', 'http://bank').searchParams.get('notice');
  const notice = Object.keys(BANKING_APP_NOTICES).find((key): key is BankingAppNotice => key === value);
  return notice ? { notice } : {};
}

function sessionToken(ctx: KoaContext): string | undefined {
  for (const pair of ctx.get('Cookie').split(';')) {
    const [name, value] = pair.trim().split('=');
    if (name === SESSION_COOKIE && value) return value;
  }
  return undefined;
}

function sessionCookie(value: string, maxAgeSeconds?: number): string {
  const expiry = maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`;
  return `${SESSION_COOKIE}=${value}; Path=${BANKING_APP_PATH}; HttpOnly; SameSite=Strict${expiry}`;
}

/** 303: the browser follows a POST's answer with a GET, so a reload never repeats a decision. */
function seeOther(ctx: KoaContext, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}

function notFound(ctx: KoaContext): void {
  ctx.status = 404;
  ctx.type = 'text';
  ctx.body = 'Not Found';
}
