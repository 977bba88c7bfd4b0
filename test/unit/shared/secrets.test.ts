import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { cachedSecret } from '../../../functions/shared/secrets';

const secretsManager = mockClient(SecretsManagerClient);
const client = () => new SecretsManagerClient({ region: 'us-east-1' });

beforeEach(() => secretsManager.reset());

describe('cachedSecret', () => {
  it('reads a Secrets Manager secret once per process', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'client-secret' });
    const secret = cachedSecret({ secretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:quartz' }, client);

    await expect(secret()).resolves.toBe('client-secret');
    await expect(secret()).resolves.toBe('client-secret');

    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'arn:aws:secretsmanager:us-east-1:1:secret:quartz',
    });
  });

  it('reads the secret again after a reset', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'old' })
      .resolves({ SecretString: 'new' });
    const secret = cachedSecret({ secretArn: 'arn' }, client);
    await expect(secret()).resolves.toBe('old');

    secret.reset();

    await expect(secret()).resolves.toBe('new');
  });

  it('does not keep a failed read', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ SecretString: 's' });
    const secret = cachedSecret({ secretArn: 'arn' }, client);

    await expect(secret()).rejects.toThrow('throttled');
    await expect(secret()).resolves.toBe('s');
  });

  it('uses a plain value without calling Secrets Manager, and refuses a missing one', async () => {
    await expect(cachedSecret({ value: 'local' }, client)()).resolves.toBe('local');
    await expect(cachedSecret(undefined, client)()).rejects.toThrow('No Quartz client secret is configured');
    expect(secretsManager.calls()).toHaveLength(0);
  });
});
