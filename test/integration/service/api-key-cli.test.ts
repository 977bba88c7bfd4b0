import { spawn } from 'node:child_process';
import path from 'node:path';
import { ServiceClient } from '../../support/service-client';
import { useLocalStack } from '../../support/use-local-stack';

// A revocation bound of 0, so that a key disabled with the CLI is refused by the next request (the
// bound itself is tested with a clock of the test's own: test/unit/domain/cached-api-keys.test.ts).
const local = useLocalStack([], { env: { API_KEY_REVOCATION_BOUND_SECONDS: '0' } });

/**
 * Runs the documented command, `npm run api-key -- …`, against the local stack's table. Not
 * spawnSync: a blocked event loop would not see the stack close an idle keep-alive connection, and
 * the next request would be sent on the dead socket.
 */
function apiKeyCli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'api-key', '--', ...args], {
      cwd: path.resolve(__dirname, '../../..'),
      env: {
        ...process.env,
        TABLE_NAME: local.stack.tableName,
        AWS_ENDPOINT_URL_DYNAMODB: local.stack.dynamoEndpoint,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('npm run api-key', () => {
  it('creates a key that the API then accepts for that account', async () => {
    const accountId = 'CLiAccount111111111111';

    const result = await apiKeyCli('create', '--account-id', accountId, '--name', 'cli-test');

    expect(result.status).toBe(0);
    const secret = result.stdout.trim().split('\n').at(-1) ?? '';
    const withCliKey = new ServiceClient(local.stack, secret);
    const answer = await withCliKey.createIntent({ accountId, type: 'quartz-accounts' });
    expect(answer).toMatchObject({
      status: 200,
      body: { accountId, createdBy: `crn:${accountId}:api-key:cli-test` },
    });
  });

  it('disables a key: a stack configured with no revocation delay refuses it from the next request on', async () => {
    const accountId = 'CLiAccount333333333333';
    const created = await apiKeyCli('create', '--account-id', accountId, '--name', 'to-disable');
    const withCliKey = new ServiceClient(local.stack, created.stdout.trim().split('\n').at(-1) ?? '');
    const before = await withCliKey.createIntent({ accountId, type: 'quartz-accounts' });

    const disabled = await apiKeyCli('disable', '--account-id', accountId, '--name', 'to-disable');
    const after = await withCliKey.createIntent({ accountId, type: 'quartz-accounts' });

    expect(before.status).toBe(200);
    expect(disabled.status).toBe(0);
    expect(after).toMatchObject({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'Invalid authentication' },
    });
  });

  it('refuses a second key of the same name in the account', async () => {
    expect(
      (await apiKeyCli('create', '--account-id', 'CLiAccount222222222222', '--name', 'twice')).status,
    ).toBe(0);

    const second = await apiKeyCli('create', '--account-id', 'CLiAccount222222222222', '--name', 'twice');

    expect(second.status).toBe(1);
    expect(second.stderr).toContain('already has an API key named "twice"');
  });

  it('prints the usage and exits non-zero on bad arguments', async () => {
    const result = await apiKeyCli('create', '--name', 'no-account');

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--account-id is required.');
    expect(result.stderr).toContain('Usage: npm run api-key -- <command>');
  });
});
