import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ServiceClient } from '../../support/service-client';
import { useLocalStack } from '../../support/use-local-stack';

const local = useLocalStack();

/** Runs the documented command, `npm run api-key -- …`, against the local stack's table. */
function apiKeyCli(...args: string[]) {
  return spawnSync('npm', ['run', '--silent', 'api-key', '--', ...args], {
    cwd: path.resolve(__dirname, '../../..'),
    env: {
      ...process.env,
      TABLE_NAME: local.stack.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: local.stack.dynamoEndpoint,
    },
    encoding: 'utf8',
  });
}

describe('npm run api-key', () => {
  it('creates a key that the API then accepts for that account', async () => {
    const accountId = 'CLiAccount111111111111';

    const result = apiKeyCli('create', '--account-id', accountId, '--name', 'cli-test');

    expect(result.status).toBe(0);
    const secret = result.stdout.trim().split('\n').at(-1) ?? '';
    const withCliKey = new ServiceClient(local.stack, secret);
    const answer = await withCliKey.createIntent({ accountId, type: 'quartz-accounts' });
    expect(answer).toMatchObject({
      status: 200,
      body: { accountId, createdBy: `crn:${accountId}:api-key:cli-test` },
    });
  });

  it('refuses a second key of the same name in the account', () => {
    expect(apiKeyCli('create', '--account-id', 'CLiAccount222222222222', '--name', 'twice').status).toBe(0);

    const second = apiKeyCli('create', '--account-id', 'CLiAccount222222222222', '--name', 'twice');

    expect(second.status).toBe(1);
    expect(second.stderr).toContain('already has an API key named "twice"');
  });

  it('prints the usage and exits non-zero on bad arguments', () => {
    const result = apiKeyCli('create', '--name', 'no-account');

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--account-id is required.');
    expect(result.stderr).toContain('Usage: npm run api-key -- <command>');
  });
});
