import * as z from 'zod';

/**
 * The zod schemas are the single source of the service's types: request bodies, the stored models
 * and the public shapes. Stored models use plain (non-strict) objects so that an item read back
 * with table keys or newer attributes still parses.
 */

export const INTENT_TYPES = ['quartz-accounts', 'quartz-payment'] as const;
export const intentTypeSchema = z.enum(INTENT_TYPES);
export type IntentType = z.infer<typeof intentTypeSchema>;

export const INTENT_STATUSES = ['created', 'authorized', 'failed'] as const;
export const intentStatusSchema = z.enum(INTENT_STATUSES);
export type IntentStatus = z.infer<typeof intentStatusSchema>;

export const API_KEY_ROLES = ['account-owner', 'merchant-terminal'] as const;
export const apiKeyRoleSchema = z.enum(API_KEY_ROLES);
export type ApiKeyRole = z.infer<typeof apiKeyRoleSchema>;

const nonEmptyString = z.string().min(1).max(256);
export const isoTimestamp = z.iso.datetime({ precision: 3 });
export const crn = z.string().startsWith('crn:');

// ---- request bodies ----------------------------------------------------------------------------

/** The family's idempotency key: 1–255 characters of printable ASCII, chosen by the client. */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .refine((key) => /^[\x20-\x7E]{1,255}$/.test(key), {
    message: 'idempotencyKey must be 1 to 255 characters of printable ASCII',
  });

export const createIntentBodySchema = z
  .strictObject({
    accountId: nonEmptyString.meta({ description: "The API key's account; any other is 403 Forbidden." }),
    type: intentTypeSchema.meta({
      description:
        '`quartz-accounts`: connect the accounts the user picks; `quartz-payment`: an enduring payment consent on one Bank Account.',
    }),
    bankAccountId: nonEmptyString.optional().meta({
      description:
        "Required when `type` is `quartz-payment`, not allowed for `quartz-accounts` (400 naming it). A Bank Account of the same account (else 403 Forbidden) whose `test` flag equals the intent's (else 403 `LIVENESS_MISMATCH`).",
    }),
    test: z
      .boolean()
      .optional()
      .meta({ description: "`true`: the provider's sandbox; only test Bank Accounts." }),
    idempotencyKey: idempotencyKeySchema.optional().meta({
      description:
        'The same key (kept 24 hours per account) with the same request answers the first success again; with another request, 400 naming `idempotencyKey`; while the first is still running, 503 `IDEMPOTENT_REQUEST_IN_PROGRESS` with `Retry-After`.',
    }),
  })
  .superRefine((body, ctx) => {
    if (body.type === 'quartz-payment' && body.bankAccountId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bankAccountId'],
        message: 'bankAccountId is required when type is quartz-payment',
      });
    }
    if (body.type === 'quartz-accounts' && body.bankAccountId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bankAccountId'],
        message: 'bankAccountId is not allowed when type is quartz-accounts',
      });
    }
  });
export type CreateIntentBody = z.infer<typeof createIntentBodySchema>;

export const authorizeIntentBodySchema = z.strictObject({
  code: z.string().min(1).max(2048).meta({
    description: 'The authorization code the bank returned to the redirect URI; redeemed at most once.',
  }),
});
export type AuthorizeIntentBody = z.infer<typeof authorizeIntentBodySchema>;

// ---- stored models -----------------------------------------------------------------------------

const audit = {
  createdAt: isoTimestamp,
  createdBy: crn,
  updatedAt: isoTimestamp,
  updatedBy: crn,
};

/** An account selected by the user at the provider (`GET {issuer}/accounts`). */
export const providerAccountSchema = z.object({
  id: nonEmptyString,
  accountNumber: nonEmptyString,
  accountName: z.string().max(256),
});
export type ProviderAccount = z.infer<typeof providerAccountSchema>;

/** Who holds the right to run the authorize sequence for an intent, until `expiresAt` (epoch ms). */
export const intentClaimSchema = z.object({
  id: nonEmptyString,
  // Which code the holder is redeeming: not read by the sequence, kept for whoever inspects a claim.
  codeHash: nonEmptyString,
  expiresAt: z.number().int(),
});
export type IntentClaim = z.infer<typeof intentClaimSchema>;

/**
 * What a redeemed code yielded, saved before anything else happens so that a retry never redeems
 * again. The access token is kept only until the selected accounts have been read.
 */
export const intentGrantSchema = z.object({
  codeHash: nonEmptyString,
  accessToken: z.string().optional(),
  accounts: z.array(providerAccountSchema).optional(),
});
export type IntentGrant = z.infer<typeof intentGrantSchema>;

export const connectionIntentSchema = z.object({
  id: nonEmptyString,
  accountId: nonEmptyString,
  type: intentTypeSchema,
  status: intentStatusSchema,
  ...audit,
  authorizationUrl: z.url(),
  test: z.boolean().optional(),
  bankAccountId: nonEmptyString.optional(),
  /**
   * Internal: when the intent may no longer be authorized (docs/expiry.md). Absent only on intents
   * written before intents expired; those never expire.
   */
  expiresAt: isoTimestamp.optional(),
  // Internal: never leaves the service (see toIntentResponse).
  oauth: z.object({ state: nonEmptyString, codeVerifier: nonEmptyString }).optional(),
  claim: intentClaimSchema.optional(),
  grant: intentGrantSchema.optional(),
  authorizedCodeHash: nonEmptyString.optional(),
  bankAccountIds: z.array(nonEmptyString).optional(),
  failureReason: z.string().optional(),
});
export type ConnectionIntent = z.infer<typeof connectionIntentSchema>;

export const bankAccountSchema = z.object({
  id: nonEmptyString,
  accountId: nonEmptyString,
  type: z.literal('quartz'),
  name: z.string().max(256),
  accountNumber: nonEmptyString,
  providerAccountId: nonEmptyString.optional(),
  test: z.boolean().optional(),
  enduringPaymentConsentAuthorized: z.boolean().optional(),
  ...audit,
});
export type BankAccount = z.infer<typeof bankAccountSchema>;

export const apiKeySchema = z.object({
  accountId: nonEmptyString,
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/, 'name may only hold letters, digits, dot, dash and underscore'),
  role: apiKeyRoleSchema,
  enabled: z.boolean(),
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: isoTimestamp,
  createdBy: crn,
});
export type ApiKey = z.infer<typeof apiKeySchema>;

// ---- public shapes -----------------------------------------------------------------------------

/** Exactly the seed's intent model; `test` only when true, `bankAccountId` for quartz-payment. */
export const intentResponseSchema = z.strictObject({
  id: z.string(),
  accountId: z.string(),
  type: intentTypeSchema,
  status: intentStatusSchema,
  ...audit,
  authorizationUrl: z.string().meta({
    description: "Where to send the user: the bank's authorization endpoint with this intent's request.",
  }),
  test: z.literal(true).optional().meta({ description: 'Present, and true, only for a sandbox intent.' }),
  bankAccountId: z
    .string()
    .optional()
    .meta({ description: 'For `quartz-payment`: the Bank Account of the consent.' }),
});
export type IntentResponse = z.infer<typeof intentResponseSchema>;
