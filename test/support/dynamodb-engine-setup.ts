import { javaAvailable } from '../../local/dynamodb-local-process';
import { ENGINE_VARIABLE } from '../../local/local-dynamodb';

/**
 * Jest global setup of the suites that start local stacks: they run on AWS's DynamoDB Local where
 * Java is installed, and on dynalite (saying so in one line) where it is not, so that a fresh
 * machine passes `npm test` too. LOCAL_DYNAMODB_ENGINE, when set, chooses for them. The stacks
 * inherit the variable: jest starts its workers after this ran.
 */
export default function chooseDynamoDbEngine(): void {
  if (process.env[ENGINE_VARIABLE]) return;
  if (javaAvailable()) {
    process.env[ENGINE_VARIABLE] = 'dynamodb-local';
    return;
  }
  process.env[ENGINE_VARIABLE] = 'dynalite';
  process.stderr.write(
    'No Java found: the integration and browser tests run on dynalite instead of DynamoDB Local (apt-get install default-jre-headless).\n',
  );
}
