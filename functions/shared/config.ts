import * as z from 'zod/mini';
import { API_KEY_CACHE_BUDGET, MAX_API_KEY_REVOCATION_BOUND_MS } from './time-budget';

/** Where a secret comes from: Secrets Manager in AWS, a plain value on a developer's machine. */
export type SecretSource = { secretArn: string } | { value: string } | undefined;

export interface QuartzConfig {
  issuer: string;
  clientId: string;
  redirectUri: string;
  clientSecret: SecretSource;
}

export interface ServiceConfig {
  tableName: string;
  /** How long a new intent may be authorized (see docs/expiry.md); only create reads it. */
  intentLifetimeSeconds: number;
  quartz: { live: QuartzConfig; test: QuartzConfig };
  /** The key page keys are signed with; only the functions that list by page have it. */
  pageKeySecret?: SecretSource;
  /**
   * How late a disabled or rotated API key may still work in a warm container (see
   * API_KEY_CACHE_BUDGET); absent: the budget's own bound.
   */
  apiKeyRevocationBoundMs?: number;
}

/** The contract's default: a connection is one sitting at the bank. */
export const DEFAULT_INTENT_LIFETIME_SECONDS = 3_600;
/** The longest lifetime accepted: a day, the longest lapse of an unauthorised consent the contract cites. */
export const MAX_INTENT_LIFETIME_SECONDS = 86_400;

/** Whole seconds, 1 to a day; the tests of the local stack use a few seconds. */
export const intentLifetimeSecondsSchema = z._default(
  z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_INTENT_LIFETIME_SECONDS)),
  DEFAULT_INTENT_LIFETIME_SECONDS,
);

/**
 * Whole seconds from 0 (every request reads its key) to the budget's bound; a local stack whose tests
 * disable keys may shorten it. The default is the budget's.
 */
export const apiKeyRevocationBoundSecondsSchema = z._default(
  z.coerce.number().check(z.int(), z.gte(0), z.lte(MAX_API_KEY_REVOCATION_BOUND_MS / 1_000)),
  API_KEY_CACHE_BUDGET.revocationBoundMs / 1_000,
);

const tableSchema = z.object({ TABLE_NAME: z.string().check(z.minLength(3)) });

const quartzSchema = z.object({
  QUARTZ_LIVE_ISSUER: z.url(),
  QUARTZ_LIVE_CLIENT_ID: z.string().check(z.minLength(1)),
  QUARTZ_LIVE_REDIRECT_URI: z.url(),
  QUARTZ_LIVE_CLIENT_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  QUARTZ_LIVE_CLIENT_SECRET: z.optional(z.string().check(z.minLength(1))),
  QUARTZ_TEST_ISSUER: z.url(),
  QUARTZ_TEST_CLIENT_ID: z.string().check(z.minLength(1)),
  QUARTZ_TEST_REDIRECT_URI: z.url(),
  QUARTZ_TEST_CLIENT_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  QUARTZ_TEST_CLIENT_SECRET: z.optional(z.string().check(z.minLength(1))),
});

const intentLifetimeSchema = z.object({ INTENT_LIFETIME_SECONDS: intentLifetimeSecondsSchema });

const pageKeySchema = z.object({
  PAGE_KEY_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  // A plain value for a local run; long enough to be a key, not a password.
  PAGE_KEY_SECRET: z.optional(z.string().check(z.minLength(32))),
});

const apiKeyRevocationSchema = z.object({
  API_KEY_REVOCATION_BOUND_SECONDS: apiKeyRevocationBoundSecondsSchema,
});

const envSchema = z.extend(tableSchema, {
  ...quartzSchema.shape,
  ...intentLifetimeSchema.shape,
  ...pageKeySchema.shape,
  ...apiKeyRevocationSchema.shape,
});

/**
 * The one place configuration is read; fails fast naming every missing or malformed variable. Every
 * setting of every function: a function reads only its own part (loadTableConfig, loadQuartzConfig,
 * …), so that it needs no variable it does not use.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  // Parsed as a whole first, so that a broken environment names all its faults at once.
  parseEnvironment(envSchema, env);
  return {
    tableName: loadTableConfig(env).tableName,
    intentLifetimeSeconds: loadIntentLifetimeSeconds(env),
    quartz: loadQuartzConfig(env),
    pageKeySecret: loadPageKeySecret(env),
    apiKeyRevocationBoundMs: loadApiKeyRevocationBoundMs(env),
  };
}

/** Where the service's table is: every function that reads or writes it needs this, and only this of the table. */
export interface TableConfig {
  tableName: string;
}

export function loadTableConfig(env: NodeJS.ProcessEnv = process.env): TableConfig {
  return { tableName: parseEnvironment(tableSchema, env).TABLE_NAME };
}

/** Both Quartz configurations: only the functions that call the bank read them. */
export function loadQuartzConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig['quartz'] {
  const e = parseEnvironment(quartzSchema, env);
  return {
    live: {
      issuer: e.QUARTZ_LIVE_ISSUER,
      clientId: e.QUARTZ_LIVE_CLIENT_ID,
      redirectUri: e.QUARTZ_LIVE_REDIRECT_URI,
      clientSecret: secretSource(e.QUARTZ_LIVE_CLIENT_SECRET_ARN, e.QUARTZ_LIVE_CLIENT_SECRET),
    },
    test: {
      issuer: e.QUARTZ_TEST_ISSUER,
      clientId: e.QUARTZ_TEST_CLIENT_ID,
      redirectUri: e.QUARTZ_TEST_REDIRECT_URI,
      clientSecret: secretSource(e.QUARTZ_TEST_CLIENT_SECRET_ARN, e.QUARTZ_TEST_CLIENT_SECRET),
    },
  };
}

/** How long a new intent may be authorized, in seconds: create's alone. */
export function loadIntentLifetimeSeconds(env: NodeJS.ProcessEnv = process.env): number {
  return parseEnvironment(intentLifetimeSchema, env).INTENT_LIFETIME_SECONDS;
}

/** Where the page-key secret comes from: the functions that answer by page read it. */
export function loadPageKeySecret(env: NodeJS.ProcessEnv = process.env): SecretSource {
  const e = parseEnvironment(pageKeySchema, env);
  return secretSource(e.PAGE_KEY_SECRET_ARN, e.PAGE_KEY_SECRET);
}

/** How late a disabled API key may still work in a warm container: every API function's chain reads it. */
export function loadApiKeyRevocationBoundMs(env: NodeJS.ProcessEnv = process.env): number {
  return parseEnvironment(apiKeyRevocationSchema, env).API_KEY_REVOCATION_BOUND_SECONDS * 1_000;
}

/** What the expiry sweeper needs: the table only (no bank, no secret). */
export type SweeperConfig = TableConfig;

export const loadSweeperConfig = loadTableConfig;

function parseEnvironment<T>(schema: z.ZodMiniType<T>, env: NodeJS.ProcessEnv): T {
  // An empty variable counts as unset (a SAM-local run declares some variables empty).
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')),
  );
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))];
    throw new Error(`Invalid configuration, check these environment variables: ${names.join(', ')}`);
  }
  return parsed.data;
}

function secretSource(secretArn: string | undefined, value: string | undefined): SecretSource {
  if (secretArn) return { secretArn };
  if (value) return { value };
  return undefined;
}

/** What the function that publishes the intents' events needs: only where to publish them. */
export interface PublisherConfig {
  eventBusName: string;
}

const publisherEnvSchema = z.object({ EVENT_BUS_NAME: z.string().check(z.minLength(1)) });

export function loadPublisherConfig(env: NodeJS.ProcessEnv = process.env): PublisherConfig {
  return { eventBusName: parseEnvironment(publisherEnvSchema, env).EVENT_BUS_NAME };
}
