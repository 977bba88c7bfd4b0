import { systemClock } from '../functions/shared/domain/clock';
import { ApiKeyRepository } from '../functions/shared/repository/api-key-repository';
import { createDocumentClient } from '../functions/shared/services';
import { runApiKeyCli } from './api-key-cli';

// `npm run api-key -- create --account-id <id> --name <name> [--role account-owner]`
const apiKeys = () => {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set: name the DynamoDB table to write the key to.');
  return new ApiKeyRepository({ client: createDocumentClient(), tableName });
};

runApiKeyCli(
  process.argv.slice(2),
  { apiKeys, clock: systemClock },
  { out: console.log, err: console.error },
).then((code) => {
  process.exitCode = code;
});
