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
 * every retry. It carries the `state` and `iss` the bank returned with the code, so that authorize
 * checks them against the intent before redeeming anything (the RFC 9207 mix-up defence): a code
 * that came back for another intent, or from another bank, is refused and changes nothing.
 */
export function authorizeBody(returned: AuthorizationResponse): AuthorizeIntentBody {
  return {
    code: returned.code,
    state: returned.state,
    ...(returned.iss !== undefined ? { iss: returned.iss } : {}),
  };
}
