import type { ConnectionIntent } from './schemas';

/** The `state` parameter of an authorization URL; undefined for a URL without one, or no URL. */
export function stateParameterOf(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('state') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The OAuth state an intent's authorization request carried, while it can still be known: the
 * stored one, else the `state` parameter of the authorization URL, which an intent keeps for its
 * whole life (the stored copy goes with the PKCE verifier once the grant is saved). Undefined for
 * a decoupled intent, which sent no state, and for a URL without one.
 */
export function boundStateOf(intent: ConnectionIntent): string | undefined {
  if (intent.flow === 'decoupled') return undefined;
  return intent.oauth?.state || stateParameterOf(intent.authorizationUrl);
}
