import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { sha256Hex } from '../../../functions/shared/domain/hashing';
import { ApiKeyRepository } from '../../../functions/shared/repository/api-key-repository';
import { runApiKeyCli, USAGE } from '../../../scripts/api-key-cli';
import { conditionFailed, mockedTable } from '../../support/mocked-table';

const dynamo = mockClient(DynamoDBDocumentClient);
const ACCOUNT = 'B4u4WZCu3joZFVWT3XjWW3';
const deps = {
  apiKeys: () => new ApiKeyRepository(mockedTable()),
  clock: { now: () => new Date('2022-03-31T02:56:29.713Z') },
};

let out: string[];
let err: string[];
const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
  out = [];
  err = [];
});

describe('api-key CLI', () => {
  it('creates an account-owner key and prints its secret once, storing only its hash', async () => {
    const code = await runApiKeyCli(['create', '--account-id', ACCOUNT, '--name', 'ci-key'], deps, io);

    expect(code).toBe(0);
    const secret = out.at(-1) ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(out.join('\n').split(secret)).toHaveLength(2);
    const record = dynamo.commandCalls(PutCommand)[1]?.args[0].input.Item;
    expect(record).toMatchObject({
      accountId: ACCOUNT,
      name: 'ci-key',
      role: 'account-owner',
      enabled: true,
      secretHash: sha256Hex(secret),
      createdAt: '2022-03-31T02:56:29.713Z',
    });
    expect(JSON.stringify(dynamo.calls().map((call) => call.args[0].input))).not.toContain(secret);
  });

  it('accepts another role', async () => {
    const code = await runApiKeyCli(
      ['create', '--account-id', ACCOUNT, '--name', 'till', '--role', 'merchant-terminal'],
      deps,
      io,
    );

    expect(code).toBe(0);
    expect(dynamo.commandCalls(PutCommand)[1]?.args[0].input.Item).toMatchObject({
      role: 'merchant-terminal',
    });
  });

  it.each([
    [[], 'Missing command.'],
    [['delete', '--account-id', ACCOUNT, '--name', 'n'], 'Unknown command: delete'],
    [['create', '--name', 'n'], '--account-id is required.'],
    [['create', '--account-id', ACCOUNT], '--name is required.'],
    [['create', '--account-id', ACCOUNT, '--name', 'n', '--role', 'admin'], '--role:'],
    [['create', '--account-id', ACCOUNT, '--name', 'has space'], '--name:'],
    [['create', '--account-id', ACCOUNT, '--name', 'n', '--colour', 'red'], "Unknown option '--colour'"],
    [['create', '--account-id', 'not-an-id', '--name', 'n'], '--account-id: must be an account id'],
    [['list', '--account-id', '0'.repeat(22)], '--account-id: must be an account id'],
    [['disable', '--account-id', ACCOUNT], '--name is required.'],
    [['rotate', '--account-id', ACCOUNT], '--name is required.'],
    [['list', '--account-id', ACCOUNT, '--name', 'n'], '--name does not go with list.'],
  ])('%j: prints usage, exits 2 and writes nothing', async (argv, message) => {
    const code = await runApiKeyCli(argv, deps, io);

    expect(code).toBe(2);
    expect(err.join('\n')).toContain(message);
    expect(err.join('\n')).toContain(USAGE);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('exits 1 when the account already has a key of that name', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());

    const code = await runApiKeyCli(['create', '--account-id', ACCOUNT, '--name', 'ci-key'], deps, io);

    expect(code).toBe(1);
    expect(err.join('\n')).toContain('already has an API key named "ci-key"');
    expect(out).toHaveLength(0);
  });
});
