import { systemClock } from '../../functions/shared/domain/clock';
import { newId } from '../../functions/shared/domain/ids';
import { issueApiKey } from '../../functions/shared/domain/manage-api-keys';
import { ApiKeyRepository } from '../../functions/shared/repository/api-key-repository';
import { createDocumentClient } from '../../functions/shared/services';
import type { BenchAccount } from './route-requests';

/** The name of every key the bench issues. */
export const BENCH_KEY_NAME = 'bench';

/**
 * Makes accounts, each with an `account-owner` key, straight in the table as the api-key CLI does.
 * Requests are spread over many accounts because each account may make 200 requests a minute per
 * operation: the bench makes thousands.
 */
export class BenchAccounts {
  private readonly apiKeys: ApiKeyRepository;

  constructor(dynamoEndpoint: string, tableName: string) {
    this.apiKeys = new ApiKeyRepository({
      client: createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint }),
      tableName,
    });
  }

  async create(): Promise<BenchAccount> {
    const accountId = newId();
    const { secret } = await issueApiKey(
      { apiKeys: this.apiKeys, clock: systemClock },
      { accountId, name: BENCH_KEY_NAME, role: 'account-owner', createdBy: 'crn::system:bench' },
    );
    return { accountId, apiKey: secret };
  }
}
