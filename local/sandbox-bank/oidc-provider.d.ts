/**
 * oidc-provider ships no type declarations. `@types/oidc-provider` (9.12.x, which brings `@types/koa`)
 * exists on npm but is not a dependency of this project, so this file declares only what the sandbox bank
 * uses of oidc-provider 9 and of the Koa 3 context it runs on. Shapes follow the library's docs and source.
 * Adding `@types/oidc-provider` as a devDependency would make this file redundant: delete it then.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type Next = () => Promise<void>;
  /** The context inside oidc-provider's own routes and configuration callbacks. */
  export type ProviderContext = KoaContext & { oidc: OIDCContext };
  export type Middleware = (ctx: KoaContext, next: Next) => Promise<void>;

  /** The Koa context as far as the bank touches it; `oidc` exists once a provider route matched. */
  export interface KoaContext {
    readonly method: string;
    readonly path: string;
    readonly req: IncomingMessage;
    readonly res: ServerResponse;
    readonly request: { body?: unknown };
    status: number;
    body: unknown;
    type: string;
    get(field: string): string;
    set(field: string, value: string): void;
    redirect(url: string): void;
    is(...types: string[]): string | false | null;
    oidc?: OIDCContext;
  }

  export interface OIDCContext {
    readonly provider: Provider;
    readonly route?: string;
    /** The interaction results so far, while an authorization request resumes. */
    readonly result?: { login?: { accountId: string }; consent?: { grantId?: string } };
    readonly grant?: Grant;
    /** The request's recognised parameters, once a route assembled them (absent before, e.g. on a failed client authentication). */
    readonly params?: Readonly<Record<string, unknown>>;
    readonly entities: {
      readonly AuthorizationCode?: AuthorizationCode;
      readonly BackchannelAuthenticationRequest?: BackchannelAuthenticationRequest;
      readonly AccessToken?: AccessToken;
      readonly Grant?: Grant;
    };
  }

  export interface Token {
    readonly jti: string;
    readonly clientId: string;
    readonly accountId: string;
    readonly grantId: string;
    readonly scope?: string;
    readonly rar?: AuthorizationDetail[];
    destroy(): Promise<void>;
  }
  export type AuthorizationCode = Token;
  export type AccessToken = Token;

  /** A decoupled (CIBA) request; its id (`jti`) is the client's `auth_req_id`. */
  export interface BackchannelAuthenticationRequest {
    readonly jti: string;
    readonly clientId: string;
    readonly accountId: string;
    readonly scope?: string;
    readonly resource?: string | string[];
    /** The request's parameters as received (strings), e.g. `binding_message`, `authorization_details`. */
    readonly params: Readonly<Record<string, unknown>>;
    /** Its lifetime in seconds (the `expires_in` answered). */
    readonly expiration: number;
  }

  /** One RFC 9396 authorization details object. */
  export interface AuthorizationDetail {
    readonly type: string;
    readonly [field: string]: unknown;
  }

  export interface Grant {
    readonly jti: string;
    readonly accountId: string;
    readonly clientId: string;
    readonly rar?: AuthorizationDetail[];
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    addRar(detail: AuthorizationDetail): void;
    save(): Promise<string>;
    destroy(): Promise<void>;
  }

  export interface Client {
    readonly clientId: string;
    readonly clientName?: string;
  }

  export interface Interaction {
    readonly uid: string;
    readonly prompt: { name: string; reasons: string[]; details: PromptDetails };
    /** The authorization request parameters oidc-provider recognised, all as received (strings). */
    readonly params: Record<string, string | undefined>;
    readonly session?: { accountId: string };
    readonly grantId?: string;
  }

  export interface PromptDetails {
    readonly missingOIDCScope?: string[];
    readonly missingOIDCClaims?: string[];
    readonly missingResourceScopes?: Record<string, string[]>;
    readonly rar?: AuthorizationDetail[];
    readonly [detail: string]: unknown;
  }

  export type InteractionResults =
    | { login: { accountId: string; remember?: boolean } }
    | { consent: { grantId: string } }
    | { error: string; error_description?: string };

  export interface ClientMetadata {
    client_id: string;
    client_secret: string;
    redirect_uris: string[];
    grant_types: string[];
    response_types: string[];
    backchannel_token_delivery_mode?: 'poll' | 'ping';
    token_endpoint_auth_method: string;
    authorization_details_types: string[];
  }

  /** `features.ciba`: OpenID CIBA; the hooks' shapes follow oidc-provider's documentation. */
  export interface CibaFeature {
    enabled: boolean;
    deliveryModes: ('poll' | 'ping')[];
    /** The account id for a `login_hint`; undefined answers `unknown_user_id`. */
    processLoginHint(ctx: ProviderContext, loginHint: string): Promise<string | undefined>;
    processLoginHintToken(ctx: ProviderContext, loginHintToken: string): Promise<string | undefined>;
    verifyUserCode(ctx: ProviderContext, account: Account, userCode: string | undefined): Promise<void>;
    validateBindingMessage(ctx: ProviderContext, bindingMessage: string | undefined): Promise<void>;
    validateRequestContext(ctx: ProviderContext, requestContext: string | undefined): Promise<void>;
    /** Called once the request is saved, before its answer is sent; `provider.backchannelResult()` ends it. */
    triggerAuthenticationDevice(
      ctx: ProviderContext,
      request: BackchannelAuthenticationRequest,
      account: Account,
      client: Client,
    ): Promise<void>;
  }

  /** A lifetime in seconds, fixed or per artefact; `ctx` is absent outside a request. */
  export type Ttl<T = never> =
    | number
    | ((ctx: ProviderContext | undefined, artefact: T, client: Client) => number);

  export interface Account {
    accountId: string;
    claims(): Promise<{ sub: string; [claim: string]: unknown }>;
  }

  export interface ResourceServerInfo {
    /** The scopes this resource server knows, space-separated. */
    scope: string;
    accessTokenFormat: 'opaque' | 'jwt';
  }

  export type ErrorOut = { error: string; error_description?: string };

  export interface Configuration {
    clients: ClientMetadata[];
    jwks: { keys: Record<string, unknown>[] };
    cookies: { keys: string[] };
    scopes: string[];
    claims: Record<string, string[]>;
    responseTypes: string[];
    clientAuthMethods: string[];
    pkce: { required: (ctx: ProviderContext, client: Client) => boolean };
    features: {
      devInteractions: { enabled: boolean };
      ciba: CibaFeature;
      resourceIndicators: {
        enabled: boolean;
        defaultResource(
          ctx: ProviderContext,
          client: Client,
          oneOf?: string[],
        ): Promise<string | string[] | undefined>;
        getResourceServerInfo(
          ctx: ProviderContext,
          resource: string,
          client: Client,
        ): Promise<ResourceServerInfo>;
        useGrantedResource(ctx: ProviderContext, model: Token): Promise<boolean>;
      };
      richAuthorizationRequests: {
        enabled: boolean;
        types: Record<
          string,
          {
            validate(ctx: ProviderContext, detail: AuthorizationDetail, client: Client): void | Promise<void>;
          }
        >;
        authorizationDetailsForGrantSource(
          ctx: ProviderContext & { oidc: { grant: Grant } },
          source: Token,
        ): Promise<AuthorizationDetail[] | undefined>;
        authorizationDetailsForAccessToken(
          ctx: ProviderContext,
          token: Token,
          source: Token,
        ): Promise<AuthorizationDetail[] | undefined>;
        authorizationDetailsForIntrospection(
          ctx: ProviderContext,
          token: Token,
        ): Promise<AuthorizationDetail[] | undefined>;
      };
    };
    interactions: { url(ctx: ProviderContext, interaction: Interaction): string; policy: Prompt[] };
    loadExistingGrant(ctx: ProviderContext): Promise<Grant | undefined>;
    expiresWithSession(ctx: ProviderContext, source: Token): Promise<boolean>;
    findAccount(ctx: ProviderContext, sub: string): Promise<Account | undefined>;
    renderError(ctx: ProviderContext, out: ErrorOut, error: Error): Promise<void>;
    ttl: Record<string, Ttl> & { BackchannelAuthenticationRequest?: Ttl<BackchannelAuthenticationRequest> };
  }

  export class Provider {
    constructor(issuer: string, configuration: Configuration);
    readonly issuer: string;
    readonly Grant: {
      new (properties: { accountId: string; clientId: string }): Grant;
      find(id: string): Promise<Grant | undefined>;
    };
    readonly AccessToken: { find(value: string): Promise<AccessToken | undefined> };
    readonly AuthorizationCode: { find(value: string): Promise<AuthorizationCode | undefined> };
    readonly BackchannelAuthenticationRequest: {
      find(value: string): Promise<BackchannelAuthenticationRequest | undefined>;
    };
    readonly Client: { find(id: string): Promise<Client | undefined> };
    use(middleware: Middleware): this;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    /** Ends a decoupled request: approved with a saved grant (or its id), or refused with an error. */
    backchannelResult(
      request: string | BackchannelAuthenticationRequest,
      result: string | Grant | OIDCProviderError,
      options?: { acr?: string; amr?: string[]; authTime?: number; rar?: AuthorizationDetail[] },
    ): Promise<void>;
    on(event: 'server_error', listener: (ctx: KoaContext, error: Error) => void): this;
  }

  export interface Check {
    readonly reason: string;
  }
  export interface Prompt {
    readonly name: string;
    readonly checks: Check[] & { add(check: Check, index?: number): void };
  }

  export const interactionPolicy: {
    base(): Prompt[] & { get(name: string): Prompt | undefined };
    Check: {
      new (reason: string, description: string, check: (ctx: ProviderContext) => boolean): Check;
      readonly REQUEST_PROMPT: true;
      readonly NO_NEED_TO_PROMPT: false;
    };
  };

  export class OIDCProviderError extends Error {
    readonly error: string;
    readonly error_description?: string;
    readonly status: number;
  }

  export const errors: {
    SessionNotFound: typeof OIDCProviderError;
    AccessDenied: new (description?: string) => OIDCProviderError;
    InvalidAuthorizationDetails: new (description: string) => OIDCProviderError;
    InvalidBindingMessage: new (description?: string) => OIDCProviderError;
    InvalidRequest: new (description?: string) => OIDCProviderError;
    InvalidTarget: new (description?: string) => OIDCProviderError;
    InvalidUserCode: new (description?: string) => OIDCProviderError;
  };
}
