import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { stateParameterOf } from '../domain/bound-state';
import { apiKeyCrn } from '../domain/principal';
import { type ConnectionIntent, connectionIntentSchema } from '../domain/schemas';
import {
  ACCOUNT_TIMELINE_INDEX,
  INTENT_TIMELINE_PREFIX,
  intentExpiryKey,
  intentIdOf,
  intentKey,
  intentTimelineKey,
  KEY_PREFIXES,
  withoutTableAttributes,
} from './table-keys';

/**
 * How an intent is stored, compactly: every update of the item is charged one write unit per
 * started KB of the larger of its two images, so what the item holds beyond what the domain needs
 * is paid on every step of authorize (docs/performance-authorize-floor.md, "Item sizes").
 *
 * Each thing is stored once:
 * - `id`, `accountId` and `createdAt` are read from the keys, which hold them anyway (`pk` the id,
 *   the account-timeline index's keys the account, the creation time and the id).
 * - `updatedAt` and `updatedBy` are stored only once they differ from `createdAt` and `createdBy`;
 *   a `createdBy` that is an API key of the intent's own account is stored as the key's name.
 * - The OAuth `state` is the URL's `state` parameter.
 * - A payment consent's `name` is taken out of the URL's RFC 9396 authorization details and put
 *   back on read (TRIMMED_URL); the write checks that putting it back gives the URL exactly, else
 *   the URL is stored whole.
 * - The authorization URL (often 400–900 bytes: the bank's endpoint, the redirect URI, the PKCE
 *   challenge, a payment consent's details) is stored deflated, as binary, under COMPRESSED_URL (or
 *   TRIMMED_URL), when that is smaller. The deflate dictionary is the query's usual parameters and
 *   the intent's own id, name and amount, spelled as the query spells them. It is a hint only: a URL
 *   spelled otherwise is still stored exactly, just less compactly.
 *
 * Items written before (every attribute present, a plain `authorizationUrl`, `oauth.state` beside
 * the verifier, the name inside the URL) read as they always did. The dictionary and the place the
 * name goes back to are part of the stored format: a change to either needs a new attribute name.
 */
const COMPRESSED_URL = 'authUrlDeflated';
/** The URL without the consent's name in its authorization details, deflated as COMPRESSED_URL is. */
const TRIMMED_URL = 'authUrlTrimmed';
const AUTHORIZATION_DETAILS = 'authorization_details';
/** `createdBy` when it is an API key of the intent's account: the key's name alone. */
const CREATOR_KEY = 'createdByKey';

/** The query's usual names and values, nearest the end the ones most often repeated. */
const STATIC_DICTIONARY =
  '?response_type=code&client_id=&redirect_uri=https%3A%2F%2F&scope=openid+accounts+payments&state=' +
  '&code_challenge=&code_challenge_method=S256&authorization_details=%5B%7B%22type%22%3A%22' +
  'enduring_payment_consent%22%2C%22account_number%22%3A%22%22%2C%22account_id%22%3A%22%22%2C%22' +
  'name%22%3A%22%22%2C%22period%22%3A%22%22%2C%22totalAmount%22%3A%22%22%7D%5D';

/** A value as a query built with URLSearchParams spells it inside a JSON string. */
const asQueryJson = (value: string): string =>
  new URLSearchParams({ v: JSON.stringify(value) }).toString().slice(2);

function dictionaryFor(intent: { id?: unknown; name?: unknown; totalAmount?: unknown }): Buffer {
  const own = [intent.id, intent.name, intent.totalAmount]
    .filter((value): value is string => typeof value === 'string')
    .map(asQueryJson);
  return Buffer.from(STATIC_DICTIONARY + own.join(''), 'utf8');
}

/** The item for `intent`: the table's keys (the expiry index's while it may expire) and its attributes. */
export function toIntentItem(intent: ConnectionIntent): Record<string, unknown> {
  const { id, accountId, createdAt, authorizationUrl, oauth, ...rest } = intent;
  const { updatedAt, updatedBy, createdBy, ...unchanging } = rest;
  return {
    ...intentKey(id),
    ...intentTimelineKey(intent),
    ...(intent.expiresAt ? intentExpiryKey({ id, expiresAt: intent.expiresAt }) : {}),
    entity: 'intent',
    ...unchanging,
    ...creatorAttribute(intent),
    ...(updatedAt !== createdAt ? { updatedAt } : {}),
    ...(updatedBy !== createdBy ? { updatedBy } : {}),
    ...urlAttribute(intent),
    ...(oauth
      ? {
          oauth:
            stateParameterOf(authorizationUrl) === oauth.state ? { codeVerifier: oauth.codeVerifier } : oauth,
        }
      : {}),
  };
}

function urlAttribute(intent: ConnectionIntent): Record<string, unknown> {
  const { authorizationUrl, name } = intent;
  const dictionary = dictionaryFor(intent);
  const trimmed = name === undefined ? undefined : withoutName(authorizationUrl, name);
  if (trimmed !== undefined) {
    return { [TRIMMED_URL]: new Uint8Array(deflateRawSync(trimmed, { level: 9, dictionary })) };
  }
  const deflated = deflateRawSync(authorizationUrl, { level: 9, dictionary });
  return deflated.length < Buffer.byteLength(authorizationUrl, 'utf8')
    ? { [COMPRESSED_URL]: new Uint8Array(deflated) }
    : { authorizationUrl };
}

/** An API key of the intent's own account is stored as its name: the CRN repeats the account. */
function creatorAttribute({ accountId, createdBy }: ConnectionIntent): Record<string, string> {
  const prefix = apiKeyCrn(accountId, '');
  return createdBy.startsWith(prefix) && createdBy.length > prefix.length
    ? { [CREATOR_KEY]: createdBy.slice(prefix.length) }
    : { createdBy };
}

/** The intent an item holds, in any stored format. */
export function intentFromItem(item: Record<string, unknown>): ConnectionIntent {
  return connectionIntentSchema.parse(expandedItem(item));
}

/** As intentFromItem, without throwing: for the stream's reader, which reports the failure itself. */
export function safeIntentFromItem(item: Record<string, unknown>) {
  return connectionIntentSchema.safeParse(expandedItem(item));
}

function expandedItem(item: Record<string, unknown>): Record<string, unknown> {
  const {
    [COMPRESSED_URL]: compressed,
    [TRIMMED_URL]: trimmed,
    [CREATOR_KEY]: creatorKey,
    ...stored
  } = { ...fromKeys(item), ...withoutTableAttributes(item) };
  const rest =
    typeof creatorKey === 'string' && typeof stored.accountId === 'string'
      ? { ...stored, createdBy: apiKeyCrn(stored.accountId, creatorKey) }
      : stored;
  const dictionary = dictionaryFor(rest);
  const authorizationUrl =
    trimmed !== undefined
      ? withName(inflatedUrl(trimmed, dictionary), rest.name)
      : compressed !== undefined
        ? inflatedUrl(compressed, dictionary)
        : rest.authorizationUrl;
  const { oauth } = rest;
  const stateless =
    typeof oauth === 'object' &&
    oauth !== null &&
    !('state' in oauth) &&
    typeof authorizationUrl === 'string';
  return {
    ...rest,
    updatedAt: rest.updatedAt ?? rest.createdAt,
    updatedBy: rest.updatedBy ?? rest.createdBy,
    authorizationUrl,
    ...(stateless ? { oauth: { ...oauth, state: stateParameterOf(authorizationUrl) } } : {}),
  };
}

/** What the keys hold: the id (`pk`), the account and the creation time (the timeline index's keys). */
function fromKeys(item: Record<string, unknown>): Record<string, unknown> {
  const {
    pk,
    [ACCOUNT_TIMELINE_INDEX.partitionKey]: timelinePk,
    [ACCOUNT_TIMELINE_INDEX.sortKey]: timelineSk,
  } = item;
  const id = typeof pk === 'string' ? intentIdOf(pk) : undefined;
  const accountId =
    typeof timelinePk === 'string' && timelinePk.startsWith(KEY_PREFIXES.account)
      ? timelinePk.slice(KEY_PREFIXES.account.length)
      : undefined;
  // `INTENT#<createdAt>#<id>`: a timestamp holds no `#`.
  const createdAt =
    typeof timelineSk === 'string' && timelineSk.startsWith(INTENT_TIMELINE_PREFIX)
      ? timelineSk.slice(INTENT_TIMELINE_PREFIX.length).split('#')[0]
      : undefined;
  return {
    ...(id !== undefined ? { id } : {}),
    ...(accountId !== undefined ? { accountId } : {}),
    ...(createdAt !== undefined ? { createdAt } : {}),
  };
}

/**
 * `url` with `name` taken out of its one authorization detail, when withName puts it back exactly;
 * else undefined (the URL is then stored whole).
 */
function withoutName(url: string, name: string): string | undefined {
  const parsed = parseUrl(url);
  const details = parsed && detailOf(parsed);
  if (!parsed || !details || details.name !== name) return undefined;
  const { name: _name, ...others } = details;
  parsed.searchParams.set(AUTHORIZATION_DETAILS, JSON.stringify([others]));
  const trimmed = parsed.href;
  return withName(trimmed, name) === url ? trimmed : undefined;
}

/** The URL with `name` back in its authorization detail, before `period` (where the request puts it). */
function withName(url: unknown, name: unknown): unknown {
  if (typeof url !== 'string' || typeof name !== 'string') return url;
  const parsed = parseUrl(url);
  const details = parsed && detailOf(parsed);
  if (!parsed || !details) return url;
  const entries = Object.entries(details);
  const at = entries.findIndex(([key]) => key === 'period');
  entries.splice(at === -1 ? entries.length : at, 0, ['name', name]);
  parsed.searchParams.set(AUTHORIZATION_DETAILS, JSON.stringify([Object.fromEntries(entries)]));
  return parsed.href;
}

/** The URL's one authorization detail, when it has exactly one, an object. */
function detailOf(url: URL): Record<string, unknown> | undefined {
  const text = url.searchParams.get(AUTHORIZATION_DETAILS);
  if (text === null) return undefined;
  try {
    const details: unknown = JSON.parse(text);
    if (!Array.isArray(details) || details.length !== 1) return undefined;
    const [detail]: unknown[] = details;
    return typeof detail === 'object' && detail !== null && !Array.isArray(detail)
      ? (detail as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Binary as the document client reads it (bytes), or as a stream record spells it (base64). */
function inflatedUrl(compressed: unknown, dictionary: Buffer): unknown {
  const bytes =
    compressed instanceof Uint8Array
      ? compressed
      : typeof compressed === 'string'
        ? Buffer.from(compressed, 'base64')
        : undefined;
  return bytes ? inflateRawSync(bytes, { dictionary }).toString('utf8') : undefined;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
