import { authenticateApiKey } from '../../../functions/shared/domain/authenticate';
import { CachedApiKeys } from '../../../functions/shared/domain/cached-api-keys';
import { systemClock } from '../../../functions/shared/domain/clock';
import { UnauthorizedError } from '../../../functions/shared/domain/errors';
import { ApiKeyRepository } from '../../../functions/shared/repository/api-key-repository';
import { createDocumentClient } from '../../../functions/shared/services';
import { API_KEY_CACHE_BUDGET } from '../../../functions/shared/time-budget';
import { ensureTable, type LocalDynamoDb, startLocalDynamoDb } from '../../../local/local-dynamodb';
import { runApiKeyCli } from '../../../scripts/api-key-cli';

const TABLE = 'api-key-management';
const ACCOUNT = 'B4u4WZCu3joZFVWT3XjWW3';

/** The API-key commands against a real DynamoDB engine, checked with the functions' own authentication. */
describe('npm run api-key: list, disable, rotate', () => {
  let engine: LocalDynamoDb;
  let apiKeys: ApiKeyRepository;
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runApiKeyCli(
      argv,
      { apiKeys: () => apiKeys, clock: systemClock },
      { out: (line) => out.push(line), err: (line) => err.push(line) },
    );
    return { code, out, err, secret: out.at(-1) ?? '' };
  };
  const authenticates = async (secret: string) => {
    try {
      await authenticateApiKey(apiKeys, secret);
      return true;
    } catch (error) {
      if (error instanceof UnauthorizedError) return false;
      throw error;
    }
  };

  beforeAll(async () => {
    engine = await startLocalDynamoDb();
    await ensureTable(engine.endpoint, TABLE);
    apiKeys = new ApiKeyRepository({
      client: createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: engine.endpoint }),
      tableName: TABLE,
    });
  }, 150_000);
  afterAll(() => engine.close());

  it('lists the account keys with role and state, never a secret', async () => {
    const owner = await run('create', '--account-id', ACCOUNT, '--name', 'owner');
    await run('create', '--account-id', ACCOUNT, '--name', 'till', '--role', 'merchant-terminal');

    const listed = await run('list', '--account-id', ACCOUNT);

    expect(listed.code).toBe(0);
    expect(listed.out).toEqual([
      expect.stringMatching(/^owner\taccount-owner\tenabled\tcreated /),
      expect.stringMatching(/^till\tmerchant-terminal\tenabled\tcreated /),
    ]);
    expect(listed.out.join('\n')).not.toContain(owner.secret);
  });

  it('disables a key: its secret is refused from the next request on', async () => {
    const { secret } = await run('create', '--account-id', ACCOUNT, '--name', 'to-disable');
    expect(await authenticates(secret)).toBe(true);

    const disabled = await run('disable', '--account-id', ACCOUNT, '--name', 'to-disable');

    expect(disabled.code).toBe(0);
    expect(await authenticates(secret)).toBe(false);
    expect((await run('list', '--account-id', ACCOUNT)).out).toContainEqual(
      expect.stringMatching(/^to-disable\taccount-owner\tdisabled\t/),
    );
  });

  it("disables a key: the functions' cache refuses it once the revocation bound has passed since its read", async () => {
    const time = { ms: Date.now() };
    const clock = { now: () => new Date(time.ms) };
    const cached = new CachedApiKeys(apiKeys, clock, {
      ...API_KEY_CACHE_BUDGET,
      maxKnownKeys: 10,
      maxUnknownSecrets: 10,
    });
    const { secret } = await run('create', '--account-id', ACCOUNT, '--name', 'cached-then-disabled');
    const readAt = time.ms;
    await authenticateApiKey(cached, secret);

    await run('disable', '--account-id', ACCOUNT, '--name', 'cached-then-disabled');
    time.ms = readAt + API_KEY_CACHE_BUDGET.revocationBoundMs;
    const stillServedAtTheBound = await authenticateApiKey(cached, secret).then(() => true);
    time.ms += 1;
    const afterTheBound = await authenticateApiKey(cached, secret).catch((error: unknown) => error);

    expect(stillServedAtTheBound).toBe(true);
    expect(afterTheBound).toBeInstanceOf(UnauthorizedError);
  });

  it('rotates a key: a new secret under the same name and role, the old one refused', async () => {
    const first = await run(
      'create',
      '--account-id',
      ACCOUNT,
      '--name',
      'rotating',
      '--role',
      'merchant-terminal',
    );

    const rotated = await run('rotate', '--account-id', ACCOUNT, '--name', 'rotating');

    expect(rotated.code).toBe(0);
    expect(rotated.secret).not.toBe(first.secret);
    expect(await authenticates(first.secret)).toBe(false);
    expect(await authenticates(rotated.secret)).toBe(true);
    expect(await authenticateApiKey(apiKeys, rotated.secret)).toMatchObject({
      accountId: ACCOUNT,
      role: 'merchant-terminal',
    });
    expect(
      (await run('list', '--account-id', ACCOUNT)).out.filter((line) => line.startsWith('rotating\t')),
    ).toEqual([expect.stringMatching(/^rotating\tmerchant-terminal\tenabled\t/)]);
  });

  it('says so for a key that does not exist, and exits 1', async () => {
    const answer = await run('disable', '--account-id', ACCOUNT, '--name', 'nobody');

    expect(answer.code).toBe(1);
    expect(answer.err.join('\n')).toContain('has no API key named "nobody"');
  });
});
