import { systemClock } from '../../functions/shared/domain/clock';
import { newId } from '../../functions/shared/domain/ids';
import { issueApiKey } from '../../functions/shared/domain/manage-api-keys';
import { ApiKeyRepository } from '../../functions/shared/repository/api-key-repository';
import { BankAccountRepository } from '../../functions/shared/repository/bank-account-repository';
import { IntentRepository } from '../../functions/shared/repository/intent-repository';
import { createDocumentClient } from '../../functions/shared/services';
import type { LocalStackSummary } from './local-stack-process';

export interface ApiAnswer<Body = Record<string, unknown>> {
  status: number;
  body: Body;
  headers: Headers;
}

/** Calls the running local API over HTTP and reads its table directly, for assertions. */
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
    const response = await fetch(`${this.stack.apiUrl}${path}`, { headers: { 'x-api-key': apiKey } });
    return { status: response.status, body: (await response.json()) as Body, headers: response.headers };
  }

  createIntent(body: Record<string, unknown>): Promise<ApiAnswer> {
    return this.post('/api/bank-account-connection-intents', body);
  }

  authorize(intentId: string, code: string): Promise<ApiAnswer> {
    return this.post(`/api/bank-account-connection-intents/${intentId}/authorize`, { code });
  }

  async post(path: string, body: unknown, apiKey = this.apiKey): Promise<ApiAnswer> {
    const response = await fetch(`${this.stack.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      headers: response.headers,
    };
  }

  /** The sandbox bank's counters (`GET /sandbox/stats`). */
  async bankStats(issuer: string): Promise<{ tokenRequests: number; redeemedCodes: number }> {
    const response = await fetch(`${issuer}/sandbox/stats`);
    return (await response.json()) as { tokenRequests: number; redeemedCodes: number };
  }
}
