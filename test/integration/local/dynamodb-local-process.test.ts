import path from 'node:path';
import { javaAvailable } from '../../../local/dynamodb-local-process';
import { eventually } from '../../support/eventually';
import { type RunningStack, startStackProcess } from '../../support/local-stack-process';
import { processesWith } from '../../support/processes';

/** The JVM of the stack whose DynamoDB endpoint is given, and the watchdog shells around it. */
function processesServing(dynamoEndpoint: string) {
  return processesWith('-port', new URL(dynamoEndpoint).port);
}

function jvmsServing(dynamoEndpoint: string) {
  return processesServing(dynamoEndpoint).filter(({ args }) => path.basename(args[0] ?? '') === 'java');
}

// These run where Java is installed (CI installs it); without Java, the last test covers the engine.
const withJava = javaAvailable() ? it : it.skip;

describe('npm start -- --engine dynamodb-local', () => {
  let stack: RunningStack | undefined;
  afterEach(async () => {
    await stack?.stop('SIGKILL');
    stack = undefined;
  });

  withJava('leaves no Java process behind when the stack is killed with SIGKILL', async () => {
    stack = await startStackProcess([], { env: { LOCAL_DYNAMODB_ENGINE: 'dynamodb-local' } });
    const { dynamoEndpoint } = stack;
    expect(stack.dynamoEngine).toBe('dynamodb-local');
    expect(jvmsServing(dynamoEndpoint)).toHaveLength(1);

    await stack.stop('SIGKILL');

    await eventually(() => processesServing(dynamoEndpoint).length === 0);
    await expect(fetch(dynamoEndpoint)).rejects.toThrow();
  });

  withJava('stops its JVM on Ctrl-C before it exits', async () => {
    stack = await startStackProcess(['--engine', 'dynamodb-local']);
    expect(stack.dynamoEngine).toBe('dynamodb-local');
    expect(jvmsServing(stack.dynamoEndpoint)).toHaveLength(1);

    const code = await stack.stop('SIGINT');

    expect(code).toBe(0);
    expect(jvmsServing(stack.dynamoEndpoint)).toEqual([]);
    // Its watchdog shell was told to go as the JVM ended; it may take a moment to.
    await eventually(() => processesServing(stack?.dynamoEndpoint ?? '').length === 0);
  });

  it('says in one line that it needs Java where there is none', async () => {
    const started = startStackProcess(['--engine', 'dynamodb-local'], {
      env: { JAVA_HOME: '/nonexistent-java-home' },
    });

    await expect(started).rejects.toThrow(
      /local stack exited with 1\nThe local stack could not start: DynamoDB Local needs Java 17 or later[^\n]*\n$/,
    );
  });
});
