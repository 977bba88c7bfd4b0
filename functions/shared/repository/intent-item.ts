import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { type ConnectionIntent, connectionIntentSchema } from '../domain/schemas';
import { withoutTableAttributes } from './table-keys';

/**
 * How an intent is stored, compactly: every update of the item is charged one write unit per
 * started KB of the larger of its two images, so what the item holds beyond what the domain needs
 * is paid on every step of authorize (docs/performance-authorize-floor.md).
 *
 * - The authorization URL (often 400–900 bytes: the bank's endpoint, the redirect URI, the PKCE
 *   challenge, a payment consent's RFC 9396 details with its name) is stored deflated, as binary,
 *   under COMPRESSED_URL, when that is smaller. The deflate dictionary is the query's usual
 *   parameters and the intent's own stored name and amount, spelled as the query spells them, so a
 *   consent's name, already stored, costs a few bytes of back-reference rather than its
 *   percent-encoding a second time. The dictionary is a hint only: a URL spelled otherwise is still
 *   stored exactly, just less compactly.
 * - The OAuth `state` is not stored twice: it is the URL's `state` parameter.
 *
 * Items written before (a plain `authorizationUrl`, `oauth.state` beside the verifier) read as they
 * always did. The dictionary is part of the stored format: a change to it needs a new attribute name.
 */
const COMPRESSED_URL = 'authUrlDeflated';

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

/** The item's attributes for `intent` (the table's keys are the repository's). */
export function intentAttributes(intent: ConnectionIntent): Record<string, unknown> {
  const { authorizationUrl, oauth, ...rest } = intent;
  const deflated = deflateRawSync(authorizationUrl, { level: 9, dictionary: dictionaryFor(intent) });
  const urlAttribute =
    deflated.length < Buffer.byteLength(authorizationUrl, 'utf8')
      ? { [COMPRESSED_URL]: new Uint8Array(deflated) }
      : { authorizationUrl };
  const stateInUrl = oauth !== undefined && stateOf(authorizationUrl) === oauth.state;
  return {
    ...rest,
    ...urlAttribute,
    ...(oauth ? { oauth: stateInUrl ? { codeVerifier: oauth.codeVerifier } : oauth } : {}),
  };
}

/** The intent an item holds, in either stored format. */
export function intentFromItem(item: Record<string, unknown>): ConnectionIntent {
  return connectionIntentSchema.parse(expandedItem(item));
}

/** As intentFromItem, without throwing: for the stream's reader, which reports the failure itself. */
export function safeIntentFromItem(item: Record<string, unknown>) {
  return connectionIntentSchema.safeParse(expandedItem(item));
}

function expandedItem(item: Record<string, unknown>): Record<string, unknown> {
  const { [COMPRESSED_URL]: compressed, ...rest } = withoutTableAttributes(item);
  const authorizationUrl =
    compressed === undefined ? rest.authorizationUrl : inflatedUrl(compressed, dictionaryFor(rest));
  const { oauth } = rest;
  const stateless =
    typeof oauth === 'object' &&
    oauth !== null &&
    !('state' in oauth) &&
    typeof authorizationUrl === 'string';
  return {
    ...rest,
    authorizationUrl,
    ...(stateless ? { oauth: { ...oauth, state: stateOf(authorizationUrl) } } : {}),
  };
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

function stateOf(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('state') ?? undefined;
  } catch {
    return undefined;
  }
}
