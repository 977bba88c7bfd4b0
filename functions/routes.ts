import { authorizeIntentRoute } from './authorize/route';
import { createIntentRoute } from './create/route';
import { getBankAccountRoute } from './get-bank-account/route';
import { getIntentRoute } from './get-intent/route';
import { listBankAccountsRoute } from './list-bank-accounts/route';
import { listIntentsRoute } from './list-intents/route';
import type { RouteDefinition } from './shared/http/route-definition';

/**
 * The one route table: each entry lives beside its handler (`functions/<folder>/route.ts`, so a
 * function's bundle holds its own route only) and says everything the rest derives from it. The CDK
 * stack wires API Gateway, the functions and their grants from it, the local API routes with it,
 * the SAM events, the OpenAPI document and the tests are built from it. Never imported by a handler.
 */
const ENTRIES = [
  createIntentRoute,
  authorizeIntentRoute,
  getIntentRoute,
  listIntentsRoute,
  getBankAccountRoute,
  listBankAccountsRoute,
] as const satisfies readonly RouteDefinition[];

export type RouteId = (typeof ENTRIES)[number]['id'];
export type Route = RouteDefinition & { id: RouteId };
export const ROUTES: readonly Route[] = ENTRIES;
