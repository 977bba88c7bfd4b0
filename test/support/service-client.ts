import { systemClock } from '../../functions/shared/domain/clock';
import { newId } from '../../functions/shared/domain/ids';
import { issueApiKey } from '../../functions/shared/domain/manage-api-keys';
import { ApiKeyRepository } from '../../functions/shared/repository/api-key-repository';
import { BankAccountRepository } from '../../functions/shared/repository/bank-account-repository';
import { IntentRepository } from '../../functions/shared/repository/intent-repository';
import { createDocumentClient } from '../../functions/shared/services';
import type { SandboxStats } from '../../local/sandbox-bank/bank-state';
import type { LocalStackSummary } from './local-stack-process';
import { openApiValidator } from './openapi-validator';

export interface ApiAnswer<Body = Record<string, unknown>> {
  status: number;
  body: Body;
  headers: Headers;
}

/**
 * The answer of the local API as a test sees it, once checked against the OpenAPI document: a status
 * the request's operation does not document, or a body or header that does not match it, fails the
 * test that received it.
 */
export async function documentedAnswer<Body>(
  method: string,
  url: string,
  response: Response,
): Promise<ApiAnswer<Body>> {
  const text = await response.text();
  openApiValidator().assertDocumented(method, url, {
    status: response.status,
    headers: response.headers,
    body: text,
  });
  return { status: response.status, body: JSON.parse(text) as Body, headers: response.headers };
}

/**
 * Calls the running local API over HTTP and reads its table directly, for assertions. Every answer
 * is checked against the OpenAPI document.
 */
export class ServiceClient {
  readonly intents: IntentRepository;
  readonly bankAccounts: BankAccountRepository;
  readonly apiKeys: ApiKeyRepository;

  constructor(
    readonly stack: LocalStackSummary,
    readonly apiKey = stack.apiKey,
    /** The account the API key belongs to. */
    readonly accountId = stack.accountId,
  ) {
    const repository = {
      client: createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoEndpoint }),
      tableName: stack.tableName,
    };
    this.intents = new IntentRepository(repository);
    this.bankAccounts = new BankAccountRepository(repository);
    this.apiKeys = new ApiKeyRepository(repository);
  }

  /** A client for a new account of its own, holding an account-owner key stored in the table. */
  async forNewAccount(): Promise<ServiceClient> {
    const accountId = newId();
    const { secret } = await issueApiKey(
      { apiKeys: this.apiKeys, clock: systemClock },
      { accountId, name: 'tests', role: 'account-owner', createdBy: 'crn::system:tests' },
    );
    return new ServiceClient(this.stack, secret, accountId);
  }

  getIntent(intentId: string): Promise<ApiAnswer> {
    return this.get(`/api/bank-account-connection-intents/${encodeURIComponent(intentId)}`);
  }

  /** One page of the account's intents (the caller's own account unless told). */
  listIntents(options: { pageKey?: string; accountId?: string } = {}): Promise<ApiAnswer> {
    const query = options.pageKey === undefined ? '' : `?pageKey=${encodeURIComponent(options.pageKey)}`;
    const accountId = encodeURIComponent(options.accountId ?? this.accountId);
    return this.get(`/api/accounts/${accountId}/bank-account-connection-intents${query}`);
  }

  getBankAccount(bankAccountId: string): Promise<ApiAnswer> {
    return this.get(`/api/bank-accounts/${encodeURIComponent(bankAccountId)}`);
  }

  /** The account's Bank Accounts: a JSON array, or an error body. */
  listBankAccounts(accountId = this.accountId): Promise<ApiAnswer<unknown>> {
    return this.get<unknown>(`/api/accounts/${encodeURIComponent(accountId)}/bank-accounts`);
  }

  async get<Body = Record<string, unknown>>(path: string, apiKey = this.apiKey): Promise<ApiAnswer<Body>> {
    const url = `${this.stack.apiUrl}${path}`;
    return documentedAnswer('GET', url, await fetch(url, { headers: { 'x-api-key': apiKey } }));
  }

  createIntent(body: Record<string, unknown>): Promise<ApiAnswer> {
    return this.post('/api/bank-account-connection-intents', body);
  }

  authorize(intentId: string, code: string): Promise<ApiAnswer> {
    return this.authorizeWith(intentId, { code });
  }

  /** Authorize with any body: a decoupled intent's poll (`{}`), or a code with its `state` and `iss`. */
  authorizeWith(intentId: string, body: Record<string, unknown>): Promise<ApiAnswer> {
    return this.post(`/api/bank-account-connection-intents/${intentId}/authorize`, body);
  }

  async post(path: string, body: unknown, apiKey = this.apiKey): Promise<ApiAnswer> {
    const url = `${this.stack.apiUrl}${path}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(body),
    });
    return documentedAnswer('POST', url, response);
  }

  /** The sandbox bank's counters (`GET /sandbox/stats`). */
  async bankStats(issuer: string): Promise<SandboxStats> {
    const response = await fetch(`${issuer}/sandbox/stats`);
    return (await response.json()) as SandboxStats;
  }
}
