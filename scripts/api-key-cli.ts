import { parseArgs } from 'node:util';
import * as z from 'zod';
import type { Clock } from '../functions/shared/domain/clock';
import { StateConflictError } from '../functions/shared/domain/errors';
import { ID_PATTERN } from '../functions/shared/domain/ids';
import {
  ApiKeyNotFoundError,
  disableApiKey,
  issueApiKey,
  rotateApiKey,
} from '../functions/shared/domain/manage-api-keys';
import type { ApiKeyAdminStore } from '../functions/shared/domain/ports';
import { apiKeyRoleSchema, apiKeySchema } from '../functions/shared/domain/schemas';

export const USAGE = `Usage: npm run api-key -- <command> --account-id <id> [options]

Commands:
  create  --account-id <id> --name <name> [--role account-owner|merchant-terminal]
          creates a key and prints its secret once
  list    --account-id <id>                      lists the account's keys (never a secret)
  disable --account-id <id> --name <name>        the key's secret stops working
  rotate  --account-id <id> --name <name>        a new secret for the key, printed once; the old one stops working

Works on the DynamoDB table named by TABLE_NAME (endpoint from AWS_ENDPOINT_URL_DYNAMODB when set).
A disabled or rotated secret is refused within about a second: the functions read the key on every
request, with DynamoDB's eventually consistent read (a write is visible to it within a second).`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface CliDeps {
  apiKeys: () => ApiKeyAdminStore;
  clock: Clock;
}

const CLI_PRINCIPAL = 'crn::system:api-key-cli';
const COMMANDS = ['create', 'list', 'disable', 'rotate'] as const;
type Command = (typeof COMMANDS)[number];

const accountId = z.string().regex(ID_PATTERN, 'must be an account id: 22 characters of the base58 alphabet');
const ARGUMENTS = {
  create: z.object({
    'account-id': accountId,
    name: apiKeySchema.shape.name,
    role: z._default(apiKeyRoleSchema, 'account-owner'),
  }),
  list: z.object({ 'account-id': accountId }),
  disable: z.object({ 'account-id': accountId, name: apiKeySchema.shape.name }),
  rotate: z.object({ 'account-id': accountId, name: apiKeySchema.shape.name }),
} satisfies Record<Command, z.ZodType>;

/** The options of every command, each checked by that command's schema. */
interface CliValues {
  'account-id': string;
  name?: string;
  role?: z.infer<typeof apiKeyRoleSchema>;
}

/** Runs an API-key command; returns the process exit code (2: usage, 1: failure). */
export async function runApiKeyCli(argv: string[], deps: CliDeps, io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.command === 'help') {
    io.out(USAGE);
    return 0;
  }
  const { values } = parsed;
  const admin = { apiKeys: deps.apiKeys(), clock: deps.clock };
  const account = values['account-id'];
  try {
    switch (parsed.command) {
      case 'create': {
        const { secret, key } = await issueApiKey(admin, {
          accountId: account,
          name: values.name ?? '',
          role: values.role ?? 'account-owner',
          createdBy: CLI_PRINCIPAL,
        });
        io.out(`Created API key "${key.name}" (${key.role}) for account ${key.accountId}.`);
        printSecret(io, secret);
        return 0;
      }
      case 'list': {
        const keys = await admin.apiKeys.listForAccount(account);
        if (keys.length === 0) io.out(`Account ${account} has no API keys.`);
        for (const key of keys.sort((a, b) => a.name.localeCompare(b.name))) {
          io.out(
            `${key.name}\t${key.role}\t${key.enabled ? 'enabled' : 'disabled'}\tcreated ${key.createdAt}`,
          );
        }
        return 0;
      }
      case 'disable': {
        const key = await disableApiKey(admin, {
          accountId: account,
          name: values.name ?? '',
          updatedBy: CLI_PRINCIPAL,
        });
        io.out(
          `Disabled API key "${key.name}" of account ${key.accountId}: its secret is refused from now on.`,
        );
        return 0;
      }
      case 'rotate': {
        const { secret, key } = await rotateApiKey(admin, {
          accountId: account,
          name: values.name ?? '',
          updatedBy: CLI_PRINCIPAL,
        });
        io.out(
          `Rotated API key "${key.name}" of account ${key.accountId}: the old secret is refused from now on.`,
        );
        printSecret(io, secret);
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof ApiKeyNotFoundError) {
      io.err(error.message);
      return 1;
    }
    if (error instanceof StateConflictError) {
      io.err(
        parsed.command === 'create'
          ? `Account ${account} already has an API key named "${values.name}".`
          : `The API key "${values.name}" changed while this ran; run the command again.`,
      );
      return 1;
    }
    io.err(
      `Could not ${parsed.command} the API key: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}

function printSecret(io: CliIo, secret: string): void {
  io.out('Secret (shown once, store it now; send it as the X-Api-Key header):');
  io.out(secret);
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
  if (values.help) return { command: 'help' as const };
  const command = positionals[0];
  if (positionals.length !== 1 || !COMMANDS.includes(command as Command)) {
    throw new Error(
      positionals.length === 0 ? 'Missing command.' : `Unknown command: ${positionals.join(' ')}`,
    );
  }
  const schema = ARGUMENTS[command as Command];
  const args = schema.safeParse(values);
  if (!args.success) {
    const issue = args.error.issues[0];
    const option = `--${issue?.path.join('.')}`;
    throw new Error(
      values[issue?.path[0] as keyof typeof values] === undefined
        ? `${option} is required.`
        : `${option}: ${issue?.message}`,
    );
  }
  const known = new Set(Object.keys(schema.shape));
  const extra = Object.keys(values).find((name) => !known.has(name));
  if (extra) throw new Error(`--${extra} does not go with ${command}.`);
  return { command: command as Command, values: args.data as CliValues };
}
