import * as oauth from 'oauth4webapi';
import * as z from 'zod';
import { ProviderRejectedError, ProviderUnavailableError, ServiceUnavailableError } from '../domain/errors';
import { type ProviderAccount, providerAccountSchema } from '../domain/schemas';
import { invocationSignal } from '../invocation-scope';
import { logger } from '../observability/logger';
import { TIME_BUDGET } from '../time-budget';
import { classifyProviderError } from './provider-errors';

export interface QuartzSettings {
  issuer: string;
  clientId: string;
  redirectUri: string;
  /** Resolved on first use and kept for the life of the process. */
  clientSecret: () => Promise<string>;
  /** Called when the provider refuses our client credentials, e.g. to drop a secret that was rotated. */
  onClientAuthenticationFailure?: () => void;
  /** Budget of discovery and the accounts request (the token request's comes from the caller). */
  timeoutMs?: number;
  /** For tests: replaces the global fetch for every request to this provider. */
  fetch?: QuartzFetch;
}

/** The request shape oauth4webapi hands to a custom fetch. */
export type QuartzFetch = (
  url: string,
  options: oauth.CustomFetchOptions<string, oauth.ProtectedResourceRequestBody | URLSearchParams | undefined>,
) => Promise<Response>;

export interface RedeemedGrant {
  accessToken: string;
  /** RFC 9396: what the user consented to, when the provider says. */
  authorizationDetails?: readonly oauth.AuthorizationDetails[];
}

const accountsSchema = z.array(providerAccountSchema);

/** One Quartz configuration (live or test): a confidential OAuth 2.0 client with PKCE S256. */
export class QuartzClient {
  private readonly client: oauth.Client;
  private metadata: Promise<oauth.AuthorizationServer> | undefined;

  constructor(private readonly settings: QuartzSettings) {
    this.client = { client_id: settings.clientId };
  }

  async authorizationUrl(request: {
    scope: string;
    state: string;
    authorizationDetails?: Record<string, unknown>[];
  }): Promise<{ authorizationUrl: string; codeVerifier: string }> {
    const as = await this.discover();
    if (!as.authorization_endpoint)
      throw new ProviderUnavailableError('The bank has no authorization endpoint.');
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('redirect_uri', this.settings.redirectUri);
    url.searchParams.set('scope', request.scope);
    url.searchParams.set('state', request.state);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    if (request.authorizationDetails) {
      url.searchParams.set('authorization_details', JSON.stringify(request.authorizationDetails));
    }
    return { authorizationUrl: url.href, codeVerifier };
  }

  /**
   * Redeems the code; a grant without `requiredScope` is refused like a rejected code. `signal` is
   * the token request's whole budget: once the code is sent, the bank may redeem it even if we stop
   * listening, so the caller gives it all the time the invocation can spare.
   */
  async redeemCode(
    code: string,
    codeVerifier: string,
    requiredScope: string,
    signal?: AbortSignal,
  ): Promise<RedeemedGrant> {
    const as = await this.discover();
    const clientAuth = oauth.ClientSecretBasic(await this.readClientSecret());
    try {
      const response = await oauth.genericTokenEndpointRequest(
        as,
        this.client,
        clientAuth,
        'authorization_code',
        { code, redirect_uri: this.settings.redirectUri, code_verifier: codeVerifier },
        this.requestOptions(signal),
      );
      const tokens = await oauth.processGenericTokenEndpointResponse(as, this.client, response);
      // RFC 6749 §5.1: an absent scope means the requested one was granted in full.
      if (tokens.scope !== undefined && !tokens.scope.split(' ').includes(requiredScope)) {
        throw new ProviderRejectedError('insufficient_scope');
      }
      return {
        accessToken: tokens.access_token,
        ...(tokens.authorization_details ? { authorizationDetails: tokens.authorization_details } : {}),
      };
    } catch (error) {
      if (error instanceof ProviderRejectedError) throw error;
      if (isClientAuthenticationFailure(error)) this.settings.onClientAuthenticationFailure?.();
      throw classifyProviderError(error, 'token');
    }
  }

  async listSelectedAccounts(accessToken: string, signal?: AbortSignal): Promise<ProviderAccount[]> {
    const url = new URL(`${this.settings.issuer.replace(/\/$/, '')}/accounts`);
    let body: unknown;
    try {
      const response = await oauth.protectedResourceRequest(
        accessToken,
        'GET',
        url,
        new Headers({ accept: 'application/json' }),
        undefined,
        this.requestOptions(signal),
      );
      if (response.status === 401 || response.status === 403) {
        // The token is refused or does not reach the accounts: retrying with it cannot help. Any
        // other answer (429, 408, 5xx…) may heal, and the saved grant keeps the intent retryable.
        throw new ProviderRejectedError(response.status === 403 ? 'insufficient_scope' : 'invalid_token');
      }
      if (response.status !== 200) throw new Error(`accounts answered ${response.status}`);
      body = await response.json();
    } catch (error) {
      if (error instanceof ProviderRejectedError) throw error;
      throw classifyProviderError(error, 'accounts');
    }
    const accounts = accountsSchema.safeParse(body);
    if (!accounts.success)
      throw new ProviderUnavailableError('The bank answered an unreadable account list.');
    return accounts.data;
  }

  /** Discovery is cached per process; a failed attempt is not, so the next call tries again. */
  private discover(): Promise<oauth.AuthorizationServer> {
    this.metadata ??= this.fetchMetadata().catch((error: unknown) => {
      this.metadata = undefined;
      throw classifyProviderError(error, 'discovery');
    });
    return this.metadata;
  }

  private async fetchMetadata(): Promise<oauth.AuthorizationServer> {
    const issuer = new URL(this.settings.issuer);
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...this.requestOptions() });
    return oauth.processDiscoveryResponse(issuer, response);
  }

  /** Nothing is sent without the secret, so a failed read leaves the code unused: a retry is safe. */
  private async readClientSecret(): Promise<string> {
    try {
      return await this.settings.clientSecret();
    } catch (error) {
      logger.error('client secret unavailable', {
        error: error instanceof Error ? error.name : typeof error,
      });
      throw new ServiceUnavailableError();
    }
  }

  /**
   * `signal` defaults to the provider request budget, cut short by the running invocation's
   * deadline, so that no request to the bank outlives the answer.
   */
  private requestOptions(signal = this.defaultSignal()) {
    return {
      signal,
      // Plain http is accepted only for an issuer on this machine (the local sandbox bank).
      [oauth.allowInsecureRequests]: isLoopback(this.settings.issuer),
      ...(this.settings.fetch ? { [oauth.customFetch]: this.settings.fetch } : {}),
    };
  }

  private defaultSignal(): AbortSignal {
    const budget = AbortSignal.timeout(this.settings.timeoutMs ?? TIME_BUDGET.providerRequestTimeoutMs);
    const invocation = invocationSignal();
    return invocation ? AbortSignal.any([invocation, budget]) : budget;
  }
}

/** invalid_client, as an OAuth error body or a 401 challenge from the token endpoint. */
function isClientAuthenticationFailure(error: unknown): boolean {
  return (
    (error instanceof oauth.ResponseBodyError && error.error === 'invalid_client') ||
    (error instanceof oauth.WWWAuthenticateChallengeError && error.status === 401)
  );
}

function isLoopback(issuer: string): boolean {
  const { hostname } = new URL(issuer);
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
