import { type DynamoDbEngine, engineFromEnvironment, parseEngine } from '../../local/local-dynamodb';

/** What a phase takes even once its time is spent: fewer would say nothing. */
export const MINIMUM_SAMPLES = { countedCalls: 10, coldStarts: 3, warmCalls: 50 } as const;

/** How much the bench measures; `--quick` trades samples for time (at most two minutes here). */
export interface BenchPlan {
  mode: 'quick' | 'full';
  engine: DynamoDbEngine;
  /** Fresh processes per route, and as many for its bare handler. */
  coldStarts: number;
  /** Measured in-process calls per route, and as many of its bare handler, after a warm-up round. */
  warmCalls: number;
  /**
   * Authorize's measured calls: each needs an intent of its own and a sign-in at the sandbox bank
   * (about ten requests to it), which on two busy cores caps what fits in ten minutes.
   */
  authorizeWarmCalls: number;
  /** Calls counted through the recording proxy per operation (and per floor). */
  accountingCalls: number;
  /** autocannon's time on each route, split into segments that alternate with its bare handler. */
  throughputSeconds: number;
  throughputSegments: number;
  /**
   * autocannon's connections: fewer than the accounts, so that concurrent requests seldom share an
   * account's rate-limit counter (on dynalite, writes to one item queue behind each other).
   */
  connections: number;
  /**
   * Time limits (seconds) that keep the run within its bound on a loaded machine: each phase stops
   * early once its share is spent (after a minimum of samples), and the report says so.
   */
  limits: { accountingPerRoute: number; coldStarts: number; warmPerRoute: number; authorizeWarm: number };
  /** Accounts requests are spread over (200 a minute per account and operation). */
  readerAccounts: number;
  writerAccounts: number;
}

const QUICK = {
  mode: 'quick',
  coldStarts: 3,
  warmCalls: 80,
  authorizeWarmCalls: 12,
  accountingCalls: 10,
  throughputSeconds: 1,
  throughputSegments: 1,
  connections: 4,
  readerAccounts: 6,
  writerAccounts: 8,
  limits: { accountingPerRoute: 5, coldStarts: 20, warmPerRoute: 4, authorizeWarm: 5 },
} as const;

const FULL = {
  mode: 'full',
  coldStarts: 20,
  warmCalls: 2_000,
  authorizeWarmCalls: 300,
  accountingCalls: 100,
  throughputSeconds: 3,
  throughputSegments: 2,
  connections: 4,
  readerAccounts: 30,
  writerAccounts: 40,
  limits: { accountingPerRoute: 25, coldStarts: 110, warmPerRoute: 40, authorizeWarm: 50 },
} as const;

export const USAGE = `npm run bench [-- --quick] [-- --engine dynalite|dynamodb-local]

  --quick    fewer samples (about two minutes); the figures are indicative
  --engine   the DynamoDB engine (default: LOCAL_DYNAMODB_ENGINE, else dynalite)`;

export function planFromArguments(args: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchPlan {
  let quick = false;
  let engine = engineFromEnvironment(env);
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--quick') quick = true;
    else if (arg === '--engine') {
      index += 1;
      engine = parseEngine(args[index], '--engine');
    } else throw new Error(`Unknown argument ${arg}\n${USAGE}`);
  }
  return { ...(quick ? QUICK : FULL), engine };
}
