import { requireAccountOwner, requireOwnAccount } from './authenticate';
import type { Clock } from './clock';
import { ForbiddenError } from './errors';
import { ID_PATTERN } from './ids';
import { asSeenAt } from './intent-expiry';
import { INTENT_PAGE_SIZE, type IntentPage, intentPageSchema, intentPositionSchema } from './intent-page';
import { type IntentView, toIntentView } from './intent-view';
import type { PageKeys, PageScope } from './page-keys';
import type { IntentListStore, IntentStore } from './ports';
import type { Principal } from './principal';
import type { ListIntentsQuery } from './query-schemas';

/**
 * One intent of the caller's account; anything else is as missing. An intent whose lifetime is over
 * is answered as expired, whether or not the expiry has been written yet (reads never write).
 */
export async function getIntent(
  deps: { intents: Pick<IntentStore, 'get'>; clock: Clock },
  principal: Principal,
  intentId: string,
): Promise<IntentView> {
  requireAccountOwner(principal);
  // Not an id this service issues, so no intent of the caller's: answered before any lookup.
  if (!ID_PATTERN.test(intentId)) throw new ForbiddenError();
  const intent = await deps.intents.get(intentId);
  if (!intent || intent.accountId !== principal.accountId) throw new ForbiddenError();
  return toIntentView(asSeenAt(intent, deps.clock.now().getTime()));
}

/**
 * The account's intents, newest first, a page at a time, each as it stands now (see getIntent). The page key names where the page before
 * ended, signed for this account and query, so a client can neither forge one nor carry one over
 * to another account.
 */
export async function listIntents(
  deps: { intents: IntentListStore; pageKeys: PageKeys; clock: Clock },
  principal: Principal,
  accountId: string,
  query: ListIntentsQuery,
): Promise<IntentPage> {
  requireOwnAccount(principal, accountId);
  const { pageKey, ...filters } = query;
  const scope: PageScope = { listing: 'intents', accountId, query: filters };
  const after = pageKey ? await deps.pageKeys.open(scope, pageKey, intentPositionSchema) : undefined;
  const page = await deps.intents.listByAccount(accountId, {
    limit: INTENT_PAGE_SIZE,
    ...(after ? { after } : {}),
  });
  const now = deps.clock.now().getTime();
  return intentPageSchema.parse({
    items: page.items.map((intent) => toIntentView(asSeenAt(intent, now))),
    ...(page.next ? { nextPageKey: await deps.pageKeys.issue(scope, page.next) } : {}),
  });
}
