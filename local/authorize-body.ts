import type { AuthorizeIntentBody } from '../functions/shared/domain/schemas';

/** What the bank sent back to the redirect URI with the code (RFC 6749 §4.1.2, RFC 9207 `iss`). */
export interface AuthorizationResponse {
  code: string;
  state: string;
  /** The issuer that answered, when the bank names itself (RFC 9207); the sandbox banks do. */
  iss: string | undefined;
}

/**
 * The body the callback page posts to authorize: the one place it is built, for the first try and
 * every retry. Today it carries the code alone. The contract lets authorize also take the `state`
 * and `iss` the bank returned (the RFC 9207 mix-up defence); once authorize accepts them, they are
 * added here and nowhere else.
 */
export function authorizeBody(returned: AuthorizationResponse): AuthorizeIntentBody {
  return { code: returned.code };
}
