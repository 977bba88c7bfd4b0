import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Route } from '../../functions/routes';
import { newId } from '../../functions/shared/domain/ids';
import { apiKeyCrn } from '../../functions/shared/domain/principal';
import type { LocalStack } from '../../local/local-stack';
import { BENCH_KEY_NAME } from './bench-accounts';
import type { BenchPlan } from './bench-plan';
import type { Bundle, Bundles } from './bundles';
import type { Scenario } from './connection-flow';
import type { Fixtures } from './fixtures';
import type { FloorKind } from './floor';
import { functionEnvironment, functionRunOf, nodeFlagsOf } from './function-environment';
import type { FunctionSettings } from './function-settings';
import type { FunctionRun } from './lambda-context';
import type { RecordingProxy } from './recording-proxy';
import { type BenchAccount, bodyOf, gatewayEvent, type HttpRequest } from './route-requests';

/** A route of the route table, with what the bench measures it against. */
export interface RouteUnderTest {
  route: Route;
  scenario: Scenario;
  floor: FloorKind;
  settings: FunctionSettings;
  bundle: Bundle;
  bareBundle: Bundle;
  /** A read floor's call, the route's own, captured while counting its calls. */
  floorInput?: Record<string, unknown>;
}

export interface BenchContext {
  plan: BenchPlan;
  stack: LocalStack;
  proxy: RecordingProxy;
  bundles: Bundles;
  fixtures: Fixtures;
  /** Accounts with intents and Bank Accounts, for the reads (and authorize retries). */
  readers: BenchAccount[];
  /** Empty accounts, for creates. */
  writers: BenchAccount[];
  /** The reader account whose requests the recording proxy counts, made when first needed. */
  countingReader?: BenchAccount;
  routes: RouteUnderTest[];
}

/** The path the bare handler of a route is served at by the bench's local API of floors. */
export const floorPath = (routeId: string): string => `/floor/${routeId}`;

/**
 * The request the bare handler gets in place of the route's: a put floor writes the route's own
 * request body; a read floor replays the route's own read; authorize's floor redeems the code of
 * the account's floor connection (of the account itself when it has none: a retry).
 */
export function floorRequest(subject: RouteUnderTest, account: BenchAccount): HttpRequest {
  const body = floorBody(subject, account);
  return {
    method: 'POST',
    path: floorPath(subject.route.id),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

export function floorEvent(subject: RouteUnderTest, account: BenchAccount): APIGatewayProxyEvent {
  const path = floorPath(subject.route.id);
  return gatewayEvent({ id: subject.route.id, path, method: 'POST' }, floorRequest(subject, account), null);
}

function floorBody(subject: RouteUnderTest, account: BenchAccount): Record<string, unknown> {
  switch (subject.floor) {
    case 'put':
      return bodyOf(subject.route, account) ?? {};
    case 'authorize':
      return authorizeFloorBody(account.floor ?? account);
    default:
      return { input: requireFloorInput(subject) };
  }
}

/** What authorize's bare handler takes: the intent and code, and what the route's chain would know. */
function authorizeFloorBody(account: BenchAccount): Record<string, string> {
  const { accountId, intentId, code } = account;
  if (!intentId || !code)
    throw new Error(`The bench account ${accountId} has no intent and code to authorize`);
  return { accountId, intentId, code, crn: apiKeyCrn(accountId, BENCH_KEY_NAME) };
}

function requireFloorInput(subject: RouteUnderTest): Record<string, unknown> {
  if (!subject.floorInput) throw new Error(`${subject.route.id}: its floor's call was not captured yet`);
  return subject.floorInput;
}

/** The accounts a route's requests rotate over (authorize gets fresh connections instead). */
export const poolOf = (context: BenchContext, subject: RouteUnderTest): BenchAccount[] =>
  subject.scenario === 'writer' ? context.writers : context.readers;

/**
 * An authorize request that passes the shared chain (key, role, rate limit) and fails on an intent
 * that does not exist: a warm container's first sight of an account's key, without a bank sign-in.
 */
export const primingAccount = (account: BenchAccount): BenchAccount => ({
  ...account,
  intentId: newId(),
  code: 'priming-code-that-no-intent-has',
});

export interface ChildSetup {
  env: NodeJS.ProcessEnv;
  run: FunctionRun;
  nodeFlags: string[];
}

/** How a child process runs a route's function, against the engine or against the recording proxy. */
export function childSetupOf(context: BenchContext, subject: RouteUnderTest, endpoint: string): ChildSetup {
  return {
    env: functionEnvironment(subject.route.id, subject.settings, context.stack.environment, endpoint),
    run: functionRunOf(subject.route.id, subject.settings),
    nodeFlags: nodeFlagsOf(subject.settings),
  };
}
