import { BankAccountRepository } from '../../functions/shared/repository/bank-account-repository';
import { IntentRepository } from '../../functions/shared/repository/intent-repository';
import { createDocumentClient } from '../../functions/shared/services';
import type { LocalStackSummary } from './local-stack-process';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** Calls the running local API over HTTP and reads its table directly, for assertions. */
export class ServiceClient {
  readonly intents: IntentRepository;
  readonly bankAccounts: BankAccountRepository;

  constructor(
    readonly stack: LocalStackSummary,
    readonly apiKey = stack.apiKey,
  ) {
    const repository = {
      client: createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoEndpoint }),
      tableName: stack.tableName,
    };
    this.intents = new IntentRepository(repository);
    this.bankAccounts = new BankAccountRepository(repository);
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
