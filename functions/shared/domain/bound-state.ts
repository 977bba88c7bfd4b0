import type { ConnectionIntent } from './schemas';

/**
 * The OAuth state an intent's authorization request carried, while it can still be known: the
 * stored one, else the `state` parameter of the authorization URL, which an intent keeps for its
 * whole life (the stored copy goes with the PKCE verifier once the grant is saved). Undefined for
 * a decoupled intent, which sent no state, and for a URL without one.
 */
export function boundStateOf(intent: ConnectionIntent): string | undefined {
  if (intent.flow === 'decoupled') return undefined;
  if (intent.oauth?.state) return intent.oauth.state;
  try {
    return new URL(intent.authorizationUrl).searchParams.get('state') ?? undefined;
  } catch {
    return undefined;
  }
}
