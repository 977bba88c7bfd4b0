import * as oauth from 'oauth4webapi';
import * as z from 'zod/mini';
import { ProviderRejectedError, ProviderUnavailableError, ServiceUnavailableError } from '../domain/errors';
import type { DecoupledAuthorizationStarted, DecoupledPollOutcome } from '../domain/ports';
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

/** CIBA §7.3: without an `interval` in the bank's answer, a client waits 5 seconds between polls. */
const DEFAULT_POLL_INTERVAL_SECONDS = 5;
/** CIBA §11 (as RFC 8628 §3.5): `slow_down` raises the interval by 5 seconds for every later poll. */
const SLOW_DOWN_STEP_SECONDS = 5;

/** One Quartz configuration (live or test): a confidential OAuth 2.0 client with PKCE S256. */
export class QuartzClient {
  private readonly client: oauth.Client;
  private metadata: Promise<oauth.AuthorizationServer> | undefined;
  /** A discovery started ahead of any request (startDiscovery), until it settles. */
  private early: Promise<oauth.AuthorizationServer> | undefined;

  constructor(private readonly settings: QuartzSettings) {
    this.client = { client_id: settings.clientId };
  }

  /** The issuer identifier as the bank's discovery document states it. */
  async issuer(): Promise<string> {
    return (await this.discover()).issuer;
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

  /**
   * Starts a decoupled authorization (OpenID CIBA, poll mode) for the user the bank knows as
   * `loginHint`. A bank that refuses the request itself throws ProviderRejectedError with its error
   * code; any failure to get an answer is a ProviderUnavailableError (a request the bank may have
   * started without our hearing of it expires unpolled).
   */
  async startDecoupled(
    request: {
      loginHint: string;
      scope: string;
      bindingMessage?: string;
      authorizationDetails?: Record<string, unknown>[];
    },
    signal?: AbortSignal,
  ): Promise<DecoupledAuthorizationStarted> {
    const as = await this.discover();
    if (!as.backchannel_authentication_endpoint) {
      throw new ProviderUnavailableError('The bank offers no decoupled authorization.');
    }
    const clientAuth = oauth.ClientSecretBasic(await this.readClientSecret());
    const parameters = new URLSearchParams({ login_hint: request.loginHint, scope: request.scope });
    if (request.bindingMessage !== undefined) parameters.set('binding_message', request.bindingMessage);
    if (request.authorizationDetails) {
      parameters.set('authorization_details', JSON.stringify(request.authorizationDetails));
    }
    try {
      const response = await oauth.backchannelAuthenticationRequest(
        as,
        this.client,
        clientAuth,
        parameters,
        this.requestOptions(signal),
      );
      const started = await oauth.processBackchannelAuthenticationResponse(as, this.client, response);
      return {
        authReqId: started.auth_req_id,
        expiresInSeconds: started.expires_in,
        intervalSeconds: started.interval ?? DEFAULT_POLL_INTERVAL_SECONDS,
      };
    } catch (error) {
      if (isClientAuthenticationFailure(error)) this.settings.onClientAuthenticationFailure?.();
      throw classifyProviderError(error, 'backchannel');
    }
  }

  /**
   * Polls a decoupled authorization once. `signal` is the poll's whole budget, as for a code: the
   * poll that finds the request approved uses it up at the bank, so a poll whose answer is not heard
   * leaves the outcome unknown (ProviderOutcomeUnknownError). An approval without `requiredScope` is
   * refused like a rejected code.
   */
  async pollDecoupled(
    authReqId: string,
    requiredScope: string,
    intervalSeconds: number,
    signal?: AbortSignal,
  ): Promise<DecoupledPollOutcome> {
    const as = await this.discover();
    const clientAuth = oauth.ClientSecretBasic(await this.readClientSecret());
    let tokens: oauth.TokenEndpointResponse;
    try {
      const response = await oauth.backchannelAuthenticationGrantRequest(
        as,
        this.client,
        clientAuth,
        authReqId,
        this.requestOptions(signal),
      );
      tokens = await oauth.processBackchannelAuthenticationGrantResponse(as, this.client, response);
    } catch (error) {
      const unfinished = unfinishedOutcome(error, intervalSeconds);
      if (unfinished) return unfinished;
      if (isClientAuthenticationFailure(error)) this.settings.onClientAuthenticationFailure?.();
      throw classifyProviderError(error, 'token');
    }
    if (tokens.scope !== undefined && !tokens.scope.split(' ').includes(requiredScope)) {
      throw new ProviderRejectedError('insufficient_scope');
    }
    return {
      status: 'approved',
      accessToken: tokens.access_token,
      ...(tokens.authorization_details ? { authorizationDetails: tokens.authorization_details } : {}),
    };
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

  /**
   * Starts discovery now, ahead of any request: called during a cold start's init, so that the
   * first request finds the bank's endpoints known (or on their way) instead of fetching them on its
   * own clock. Never throws and leaves nothing behind when it fails: a failed early discovery (the
   * bank down, or a request cut short while Lambda froze the process after init) is logged, and the
   * request that needs the endpoints discovers them again on its own budget.
   */
  startDiscovery(): void {
    if (this.metadata || this.early) return;
    const attempt = this.fetchMetadata();
    this.early = attempt;
    attempt.then(
      (metadata) => {
        this.metadata ??= Promise.resolve(metadata);
      },
      (error: unknown) => {
        logger.warn('early discovery failed; the first request discovers again', {
          issuer: this.settings.issuer,
          error: error instanceof Error ? error.name : typeof error,
        });
      },
    );
    attempt
      .finally(() => {
        if (this.early === attempt) this.early = undefined;
      })
      .catch(() => undefined);
  }

  /**
   * Discovery is cached per process; a failed attempt is not, so the next call tries again. A call
   * while an early discovery is under way waits for it, within the call's own budget, and
   * discovers itself if it fails or outlasts that budget.
   */
  private discover(): Promise<oauth.AuthorizationServer> {
    if (this.metadata) return this.metadata;
    if (this.early) return untilAborted(this.early, this.defaultSignal()).catch(() => this.discoverNow());
    return this.discoverNow();
  }

  private discoverNow(): Promise<oauth.AuthorizationServer> {
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

/** `work`'s outcome, or a rejection as soon as `signal` aborts (the work itself goes on). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** The answers of a poll that say the user has not approved (yet): each an outcome, not a failure. */
function unfinishedOutcome(error: unknown, intervalSeconds: number): DecoupledPollOutcome | undefined {
  if (!(error instanceof oauth.ResponseBodyError)) return undefined;
  switch (error.error) {
    case 'authorization_pending':
      return { status: 'pending', intervalSeconds };
    case 'slow_down':
      return { status: 'slow_down', intervalSeconds: intervalSeconds + SLOW_DOWN_STEP_SECONDS };
    case 'access_denied':
      return { status: 'denied', providerError: 'access_denied' };
    case 'expired_token':
      return { status: 'expired', providerError: 'expired_token' };
    default:
      return undefined;
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
