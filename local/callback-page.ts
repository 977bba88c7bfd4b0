import type { ServerResponse } from 'node:http';
import { boundStateOf } from '../functions/shared/domain/bound-state';
import { ID_PATTERN } from '../functions/shared/domain/ids';
import type { ConnectionIntent } from '../functions/shared/domain/schemas';
import { type AuthorizationResponse, authorizeBody } from './authorize-body';
import { authorizeOutcome, finishedOutcome, type Outcome } from './callback-outcome';
import {
  CALLBACK_PATH,
  FINISH_FIELDS,
  FINISH_PATH,
  landingView,
  type OutcomeContext,
  outcomeView,
  render,
  type View,
} from './callback-views';
import { scriptNonce, sendHtml } from './html';
import type { LocalPage } from './local-api';
import { type CallbackApi, errorCodeOf } from './page-api';
import { startHref } from './start-page';

export { CALLBACK_PATH } from './callback-views';

export interface CallbackPageOptions {
  /** The pages' client of the API (PageApi), holding the demo account's key. */
  api: CallbackApi;
  /**
   * The stored intents, read only for the state check: the state bound to an intent is internal
   * and never leaves the service, so the page, standing in for the integrator's back end that kept
   * it, reads it from the table.
   */
  intents: { get(id: string): Promise<ConnectionIntent | undefined> };
  now?: () => number;
}

/**
 * The page at the registered redirect URI, standing in for the integrator's app: it checks that
 * the bank's answer belongs to a pending intent, posts the code to authorize with one click, then
 * reads the intent as a client would and tells what happened, in words: these Bank Accounts were
 * connected (only this intent's), the payment consent for this Bank Account was given, the user
 * declined, the bank or the service is unavailable (with a retry that waits for `Retry-After`), the
 * connection had already finished. Every outcome links to the start page.
 */
export function callbackPage(options: CallbackPageOptions): LocalPage {
  const now = options.now ?? Date.now;
  return async (request, response, body) => {
    const url = new URL(request.url ?? '/', 'http://local');
    if (url.pathname === CALLBACK_PATH && request.method === 'GET') {
      send(response, await returned(options, url.searchParams, now()));
      return true;
    }
    if (url.pathname === FINISH_PATH && request.method === 'POST') {
      send(response, await finish(options, new URLSearchParams(body), now));
      return true;
    }
    return false;
  };
}

function send(response: ServerResponse, view: View): void {
  const nonce = scriptNonce();
  sendHtml(response, view.statusCode, render(view, nonce), view.script ? nonce : undefined);
}

/** Which intent the bank's answer is about, as far as its state says. */
type StateCheck =
  /** The state is the one bound to an intent waiting for the bank: its code may be posted. */
  | { kind: 'pending'; intent: ConnectionIntent }
  /**
   * The state names an intent that has finished; its bound state was cleared when it finished, so
   * only the id part can be matched. Nothing is posted for it: the page only tells its outcome.
   */
  | { kind: 'finished'; intent: ConnectionIntent }
  | { kind: 'unknown' };

/**
 * The state is `<intent id>.<random>` (create binds it to the intent): the id says which intent
 * came back, and the whole must equal the intent's stored state (RFC 9700's CSRF protection).
 */
async function checkState(options: CallbackPageOptions, state: string): Promise<StateCheck> {
  const intentId = state.split('.')[0] ?? '';
  // Not one of the service's ids: the table is not asked (a key it could not hold fails there).
  if (!ID_PATTERN.test(intentId)) return { kind: 'unknown' };
  const intent = await options.intents.get(intentId);
  if (!intent) return { kind: 'unknown' };
  if (intent.status !== 'created') return { kind: 'finished', intent };
  if (boundStateOf(intent) !== state) return { kind: 'unknown' };
  return { kind: 'pending', intent };
}

/**
 * The pending intent and the bank's answer to post for it, or, when there is nothing to post (no
 * pending intent for the state, an intent already finished, no code), the page that says so. The
 * bank's redirect and the finish form both go through it, so a finish post is checked as the
 * redirect was.
 */
async function postableOrOutcome(
  options: CallbackPageOptions,
  check: StateCheck,
  state: string,
  response: AuthorizationResponse | undefined,
  context: OutcomeContext,
): Promise<{ view: View } | { intent: ConnectionIntent; response: AuthorizationResponse }> {
  if (check.kind === 'unknown')
    return { view: outcomeView({ kind: 'unexpected-state', state, problem: 'no-pending-intent' }, context) };
  if (check.kind === 'finished') {
    const outcome = await finishedOutcome(options.api, check.intent.id, {
      after: 'finished',
      returned: response,
    });
    return { view: outcomeView(outcome, context) };
  }
  if (!response)
    return { view: outcomeView({ kind: 'unexpected-state', state, problem: 'no-code' }, context) };
  return { intent: check.intent, response };
}

/** GET /callback: the bank's redirect (a code, or an error), or a later visit of the same address. */
async function returned(options: CallbackPageOptions, params: URLSearchParams, nowMs: number): Promise<View> {
  const state = params.get('state') ?? '';
  const check = await checkState(options, state);
  const context: OutcomeContext = { startHref: startAgainHref(check), nowMs };
  const error = params.get('error');
  if (error !== null) {
    // No code, so nothing to post: the intent stays as it is (and expires in time).
    const description = params.get('error_description') ?? undefined;
    return outcomeView({ kind: 'bank-error', error, description }, context);
  }
  const response = authorizationResponseOf(params);
  const postable = await postableOrOutcome(options, check, state, response, context);
  if ('view' in postable) return postable.view;
  return landingView(postable.intent, postable.response);
}

/** POST /callback/finish: posts the code to authorize (first try or retry) and tells the outcome. */
async function finish(options: CallbackPageOptions, form: URLSearchParams, now: () => number): Promise<View> {
  const response = authorizationResponseOf(form);
  const state = form.get(FINISH_FIELDS.state) ?? '';
  const check = await checkState(options, state);
  const context: OutcomeContext = { startHref: startAgainHref(check), nowMs: now() };
  const postable = await postableOrOutcome(options, check, state, response, context);
  if ('view' in postable) return postable.view;

  const notBeforeMs = Number(form.get(FINISH_FIELDS.notBefore) ?? 0);
  if (notBeforeMs > context.nowMs) {
    // Posted before the Retry-After the service gave: nothing is sent, the wait goes on.
    const early: Outcome = {
      kind: 'retry',
      cause: 'too-early',
      retryAfterSeconds: Math.ceil((notBeforeMs - context.nowMs) / 1000),
      notBeforeMs,
      returned: postable.response,
    };
    return outcomeView(early, context);
  }
  const { intent, response: bankAnswer } = postable;
  const reply = await options.api.authorize(intent.id, authorizeBody(bankAnswer));
  const outcome = await authorizeOutcome(options.api, intent.id, reply, bankAnswer);
  return outcomeView(outcome, { ...context, answer: { status: reply.status, code: errorCodeOf(reply) } });
}

/** The code, state and issuer the bank returned (from the redirect's query or the finish form). */
function authorizationResponseOf(fields: URLSearchParams): AuthorizationResponse | undefined {
  const code = fields.get(FINISH_FIELDS.code);
  const state = fields.get(FINISH_FIELDS.state);
  if (!code || state === null) return undefined;
  return { code, state, iss: fields.get(FINISH_FIELDS.iss) ?? undefined };
}

/** Start again with the same kind of connection, when the page knows which intent this was. */
function startAgainHref(check: StateCheck): string {
  if (check.kind === 'unknown') return startHref();
  const { type, test, bankAccountId } = check.intent;
  return startHref({ type, test: test === true, ...(bankAccountId ? { bankAccountId } : {}) });
}
