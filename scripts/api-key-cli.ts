import { parseArgs } from 'node:util';
import * as z from 'zod';
import type { Clock } from '../functions/shared/domain/clock';
import { StateConflictError } from '../functions/shared/domain/errors';
import { issueApiKey } from '../functions/shared/domain/issue-api-key';
import type { ApiKeyStore } from '../functions/shared/domain/ports';
import { apiKeyRoleSchema, apiKeySchema } from '../functions/shared/domain/schemas';

export const USAGE = `Usage: npm run api-key -- create --account-id <id> --name <name> [--role account-owner|merchant-terminal]

Writes an API key record to the DynamoDB table named by TABLE_NAME (endpoint from
AWS_ENDPOINT_URL_DYNAMODB when set) and prints the secret once.`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface CliDeps {
  apiKeys: () => ApiKeyStore;
  clock: Clock;
}

const createArgs = z.object({
  'account-id': z.string().min(1),
  name: apiKeySchema.shape.name,
  role: apiKeyRoleSchema.default('account-owner'),
});

/** Runs the API-key command; returns the process exit code (2: usage, 1: failure). */
export async function runApiKeyCli(argv: string[], deps: CliDeps, io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.out(USAGE);
    return 0;
  }
  try {
    const { secret, key } = await issueApiKey(
      { apiKeys: deps.apiKeys(), clock: deps.clock },
      { ...parsed.args, createdBy: 'crn::system:api-key-cli' },
    );
    io.out(`Created API key "${key.name}" (${key.role}) for account ${key.accountId}.`);
    io.out('Secret (shown once, store it now; send it as the X-Api-Key header):');
    io.out(secret);
    return 0;
  } catch (error) {
    if (error instanceof StateConflictError) {
      io.err(`Account ${parsed.args.accountId} already has an API key named "${parsed.args.name}".`);
      return 1;
    }
    io.err(`Could not create the API key: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function parse(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'account-id': { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true as const };
  if (positionals.length !== 1 || positionals[0] !== 'create') {
    throw new Error(
      positionals.length === 0 ? 'Missing command.' : `Unknown command: ${positionals.join(' ')}`,
    );
  }
  const args = createArgs.safeParse(values);
  if (!args.success) {
    const issue = args.error.issues[0];
    const option = `--${issue?.path.join('.')}`;
    throw new Error(
      values[issue?.path[0] as keyof typeof values] === undefined
        ? `${option} is required.`
        : `${option}: ${issue?.message}`,
    );
  }
  return {
    help: false as const,
    args: { accountId: args.data['account-id'], name: args.data.name, role: args.data.role },
  };
}
