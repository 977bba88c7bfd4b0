import { createHmac, timingSafeEqual } from 'node:crypto';
import type * as z from 'zod/mini';
import { BadRequestError } from './errors';

/** What a page key is bound to: the listing, the account, and the query's other parameters. */
export interface PageScope {
  listing: string;
  accountId: string;
  query: Readonly<Record<string, string>>;
}

// Bound into every MAC, so a key of another format or purpose never verifies as a page key.
const PURPOSE = 'bank-account-connection-intents/page-key/v1';

/**
 * Page keys a client hands back unchanged: `<position>.<mac>`, both base64url, where the MAC is an
 * HMAC-SHA256, under a secret only the service holds, over the listing, the account, the query and
 * the position. A key that was altered, issued for another account or query, or signed with another
 * secret (rotated away) is refused as a 400 naming `pageKey`. The position is not hidden: it names
 * the last item of the page before, which that page showed anyway.
 */
export class PageKeys {
  /** `secret` is read when a key is first issued or opened (Secrets Manager, cached per process). */
  constructor(private readonly secret: () => Promise<string>) {}

  async issue(scope: PageScope, position: unknown): Promise<string> {
    const payload = Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
    return `${payload}.${await this.mac(scope, payload)}`;
  }

  /** The position a key carries, if this service issued it for exactly this scope. */
  async open<T>(scope: PageScope, pageKey: string, positionSchema: z.ZodMiniType<T>): Promise<T> {
    const [payload, mac, ...rest] = pageKey.split('.');
    if (!payload || !mac || rest.length > 0) throw invalidPageKey();
    // Compared as text, not as decoded bytes: base64 decoding forgives stray characters.
    const expected = Buffer.from(await this.mac(scope, payload), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidPageKey();
    // Signed by this service, so well-formed unless its format changed since: checked all the same.
    let position: unknown;
    try {
      position = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalidPageKey();
    }
    const parsed = positionSchema.safeParse(position);
    if (!parsed.success) throw invalidPageKey();
    return parsed.data;
  }

  private async mac(scope: PageScope, payload: string): Promise<string> {
    const query = Object.entries(scope.query).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // JSON keeps the parts apart: no choice of account or query can collide with another's.
    const signed = JSON.stringify([PURPOSE, scope.listing, scope.accountId, query, payload]);
    return createHmac('sha256', await this.secret())
      .update(signed, 'utf8')
      .digest('base64url');
  }
}

const invalidPageKey = () => new BadRequestError('pageKey is invalid');
