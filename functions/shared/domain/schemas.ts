import * as z from 'zod/mini';

/**
 * The zod schemas are the single source of the service's types: request bodies, the stored models
 * and the public shapes. Stored models use plain (non-strict) objects so that an item read back
 * with table keys or newer attributes still parses.
 *
 * They are written with zod's smaller build, `zod/mini` (checks go in `.check()`, `optional` wraps):
 * a Lambda bundle then holds the checks it uses rather than every method of every schema type
 * (docs/performance-validation.md). A 400's message is built from the issue's code and path
 * (validation.ts), never from zod's own texts, so it does not depend on the build.
 */

/**
 * The seed's type names and the later page's, served side by side: each pair names one kind of
 * consent, and an intent keeps (and answers with) the name its creator sent.
 */
export const INTENT_TYPES = [
  'quartz-accounts',
  'quartz-payment',
  'account-information-consent',
  'enduring-payment-consent',
] as const;
export const intentTypeSchema = z.enum(INTENT_TYPES);
export type IntentType = z.infer<typeof intentTypeSchema>;

/** What an intent type asks the bank for, whichever version of the page named it. */
export type ConsentKind = 'account-information' | 'payment';
const CONSENT_KINDS: Readonly<Record<IntentType, ConsentKind>> = {
  'quartz-accounts': 'account-information',
  'account-information-consent': 'account-information',
  'quartz-payment': 'payment',
  'enduring-payment-consent': 'payment',
};
export const consentKindOf = (type: IntentType): ConsentKind => CONSENT_KINDS[type];
export const isPaymentType = (type: IntentType): boolean => consentKindOf(type) === 'payment';

/** The periods after which the amount spent under a payment consent resets. */
export const PAYMENT_PERIODS = ['daily', 'weekly', 'fortnightly', 'monthly', 'yearly'] as const;
export const paymentPeriodSchema = z.enum(PAYMENT_PERIODS);
export type PaymentPeriod = z.infer<typeof paymentPeriodSchema>;

/** A consent's name as the user sees it at the bank. */
export const consentNameSchema = z.string().check(z.minLength(1), z.maxLength(100));
/** Cents as a string: digits only, positive, no leading zero, at most 12 digits ("50000" is 500.00). */
export const totalAmountSchema = z
  .string()
  .check(
    z.regex(
      /^[1-9][0-9]{0,11}$/,
      'totalAmount must be a string of cents: digits only, positive, no leading zero, at most 12 digits',
    ),
  );

/** How the user is asked: redirected to the bank in a browser, or in the bank's own app (CIBA). */
export const INTENT_FLOWS = ['redirect', 'decoupled'] as const;
export type IntentFlow = (typeof INTENT_FLOWS)[number];

export const INTENT_STATUSES = ['created', 'authorized', 'failed'] as const;
export const intentStatusSchema = z.enum(INTENT_STATUSES);
export type IntentStatus = z.infer<typeof intentStatusSchema>;

export const API_KEY_ROLES = ['account-owner', 'merchant-terminal'] as const;
export const apiKeyRoleSchema = z.enum(API_KEY_ROLES);
export type ApiKeyRole = z.infer<typeof apiKeyRoleSchema>;

const nonEmptyString = z.string().check(z.minLength(1), z.maxLength(256));
export const isoTimestamp = z.iso.datetime({ precision: 3 });
export const crn = z.string().check(z.startsWith('crn:'));

// ---- request bodies ----------------------------------------------------------------------------

/** The family's idempotency key: 1–255 characters of printable ASCII, chosen by the client. */
export const idempotencyKeySchema = z.string().check(
  z.minLength(1),
  z.maxLength(255),
  z.refine((key) => /^[\x20-\x7E]{1,255}$/.test(key), {
    message: 'idempotencyKey must be 1 to 255 characters of printable ASCII',
  }),
);

/** A bank user's identifier as CIBA's `login_hint` carries it: printable ASCII, no spaces at either end. */
export const loginHintSchema = z.string().check(
  z.minLength(1),
  z.maxLength(256),
  z.refine((hint) => /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/.test(hint), {
    message: 'loginHint must be 1 to 256 characters of printable ASCII, without spaces at either end',
  }),
);

export const createIntentBodySchema = z
  .strictObject({
    accountId: nonEmptyString.check(
      z.meta({ description: "The API key's account; any other is 403 Forbidden." }),
    ),
    type: intentTypeSchema.check(
      z.meta({
        description:
          '`quartz-accounts`: connect the accounts the user picks; `quartz-payment`: an enduring payment consent on one Bank Account.',
      }),
    ),
    bankAccountId: z.optional(nonEmptyString).check(
      z.meta({
        description:
          "Required when `type` is `quartz-payment`, not allowed for `quartz-accounts` (400 naming it). A Bank Account of the same account (else 403 Forbidden) whose `test` flag equals the intent's (else 403 `LIVENESS_MISMATCH`).",
      }),
    ),
    test: z
      .optional(z.boolean())
      .check(z.meta({ description: "`true`: the provider's sandbox; only test Bank Accounts." })),
    idempotencyKey: z.optional(idempotencyKeySchema).check(
      z.meta({
        description:
          'The same key (kept 24 hours per account) with the same request answers the first success again; with another request, 400 naming `idempotencyKey`; while the first is still running, 503 `IDEMPOTENT_REQUEST_IN_PROGRESS` with `Retry-After`.',
      }),
    ),
    name: z.optional(consentNameSchema).check(
      z.meta({
        description:
          "Payment types only: the consent's name shown to the user at the bank, 1–100 characters.",
      }),
    ),
    period: z.optional(paymentPeriodSchema).check(
      z.meta({
        description:
          'Payment types only (default `daily`): the period after which the amount spent under the consent resets.',
      }),
    ),
    totalAmount: z.optional(totalAmountSchema).check(
      z.meta({
        description:
          'Payment types only: the most the consent may be used for within one period, in cents as a string (`"50000"` is NZD 500.00): digits only, positive, no leading zero, at most 12 digits.',
        example: '50000',
      }),
    ),
    loginHint: z.optional(loginHintSchema).check(
      z.meta({
        description:
          "The user's identifier at the bank. With it, the intent uses the decoupled flow: the bank asks the user in its app, and the client polls authorize without `code`.",
      }),
    ),
  })
  .check(
    z.superRefine((body, ctx) => {
      const payment = isPaymentType(body.type);
      if (payment && body.bankAccountId === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['bankAccountId'],
          message: `bankAccountId is required when type is ${body.type}`,
        });
      }
      const paymentOnly = ['bankAccountId', 'name', 'period', 'totalAmount'] as const;
      for (const field of payment ? [] : paymentOnly) {
        if (body[field] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `${field} is not allowed when type is ${body.type}`,
          });
        }
      }
    }),
  );
export type CreateIntentBody = z.infer<typeof createIntentBodySchema>;

export const authorizeIntentBodySchema = z.strictObject({
  code: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))).check(
    z.meta({
      description:
        'The authorization code the bank returned to the redirect URI; redeemed at most once. Required for a redirect intent; not allowed for a decoupled one (created with `loginHint`), which is polled without it.',
    }),
  ),
  state: z.optional(z.string().check(z.minLength(1), z.maxLength(512))).check(
    z.meta({
      description:
        "The `state` the bank returned to the redirect URI with the code. When given, it must be the intent's, else 400 naming `state` and nothing changes.",
    }),
  ),
  iss: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))).check(
    z.meta({
      description:
        'The `iss` the bank returned to the redirect URI with the code (RFC 9207). When given, it must be the issuer the intent was sent to, else 400 naming `iss` and nothing changes.',
    }),
  ),
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
  accountName: z.string().check(z.maxLength(256)),
});
export type ProviderAccount = z.infer<typeof providerAccountSchema>;

/** Who holds the right to run the authorize sequence for an intent, until `expiresAt` (epoch ms). */
export const intentClaimSchema = z.object({
  id: nonEmptyString,
  // Only in claims written before claims were trimmed to their holder and lease: never read.
  codeHash: z.optional(nonEmptyString),
  expiresAt: z.number().check(z.int()),
});
export type IntentClaim = z.infer<typeof intentClaimSchema>;

/**
 * What a redeemed code yielded, saved before anything else happens so that a retry never redeems
 * again. The access token is kept only until the selected accounts have been read. `codeHash` is the
 * code's (or a decoupled request's) hash: codeHash in hashing.ts, or the hex SHA-256 in older items.
 */
export const intentGrantSchema = z.object({
  codeHash: nonEmptyString,
  accessToken: z.optional(z.string()),
  accounts: z.optional(z.array(providerAccountSchema)),
});
export type IntentGrant = z.infer<typeof intentGrantSchema>;

/**
 * A decoupled intent's backchannel request at the bank (OpenID CIBA, poll mode). `authReqId` is as
 * secret as a code: it never leaves the service and is dropped with the other provider material.
 */
export const backchannelSchema = z.object({
  authReqId: nonEmptyString,
  /** The bank's `interval` in force: the one the start answered, raised by every `slow_down`. */
  intervalSeconds: z.number().check(z.int(), z.positive()),
  /** Epoch ms before which the bank is not polled again (it would answer `slow_down`). */
  pollAfter: z.number().check(z.int()),
});
export type Backchannel = z.infer<typeof backchannelSchema>;

export const connectionIntentSchema = z.object({
  id: nonEmptyString,
  accountId: nonEmptyString,
  type: intentTypeSchema,
  status: intentStatusSchema,
  ...audit,
  authorizationUrl: z.url(),
  test: z.optional(z.boolean()),
  bankAccountId: z.optional(nonEmptyString),
  // A payment consent's limits (period always for the payment types, the others where set).
  name: z.optional(consentNameSchema),
  period: z.optional(paymentPeriodSchema),
  totalAmount: z.optional(totalAmountSchema),
  /** Absent for a redirect intent (and every intent from before the decoupled flow). */
  flow: z.optional(z.enum(INTENT_FLOWS)),
  /**
   * Internal: when the intent may no longer be authorized (docs/expiry.md). Absent only on intents
   * written before intents expired; those never expire.
   */
  expiresAt: z.optional(isoTimestamp),
  // Internal: never leaves the service (see toIntentResponse).
  oauth: z.optional(z.object({ state: nonEmptyString, codeVerifier: nonEmptyString })),
  backchannel: z.optional(backchannelSchema),
  claim: z.optional(intentClaimSchema),
  grant: z.optional(intentGrantSchema),
  authorizedCodeHash: z.optional(nonEmptyString),
  bankAccountIds: z.optional(z.array(nonEmptyString)),
  failureReason: z.optional(z.string()),
});
export type ConnectionIntent = z.infer<typeof connectionIntentSchema>;

/** Limits as the bank is asked for them and must grant them back: a payment consent's terms. */
export type PaymentConsentLimits = NonNullable<BankAccount['paymentConsent']>;

/**
 * The limits a payment intent carries to the bank: none for the account-information types, nor for
 * a payment intent created before limits (it has no period, and its bank was sent none).
 */
export function paymentConsentLimits(
  intent: Pick<ConnectionIntent, 'type' | 'name' | 'period' | 'totalAmount'>,
): PaymentConsentLimits | undefined {
  if (!isPaymentType(intent.type) || intent.period === undefined) return undefined;
  return {
    ...(intent.name !== undefined ? { name: intent.name } : {}),
    period: intent.period,
    ...(intent.totalAmount !== undefined ? { totalAmount: intent.totalAmount } : {}),
  };
}

export const bankAccountSchema = z.object({
  id: nonEmptyString,
  accountId: nonEmptyString,
  type: z.literal('quartz'),
  name: z.string().check(z.maxLength(256)),
  accountNumber: nonEmptyString,
  providerAccountId: z.optional(nonEmptyString),
  test: z.optional(z.boolean()),
  enduringPaymentConsentAuthorized: z.optional(z.boolean()),
  /** The limits of the payment consent last authorized on this Bank Account, where known. */
  paymentConsent: z.optional(
    z.object({
      name: z.optional(consentNameSchema),
      period: paymentPeriodSchema,
      totalAmount: z.optional(totalAmountSchema),
    }),
  ),
  ...audit,
});
export type BankAccount = z.infer<typeof bankAccountSchema>;

export const apiKeySchema = z.object({
  accountId: nonEmptyString,
  name: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(64),
      z.regex(/^[A-Za-z0-9._-]+$/, 'name may only hold letters, digits, dot, dash and underscore'),
    ),
  role: apiKeyRoleSchema,
  enabled: z.boolean(),
  secretHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  createdAt: isoTimestamp,
  createdBy: crn,
});
export type ApiKey = z.infer<typeof apiKeySchema>;

// ---- public shapes -----------------------------------------------------------------------------

/**
 * The seed's intent model, plus the later page's limits for the payment types; `test` only when true,
 * `bankAccountId` and `period` for the payment types, `name` and `totalAmount` where set.
 */
export const intentResponseSchema = z.strictObject({
  id: z.string(),
  accountId: z.string(),
  type: intentTypeSchema,
  status: intentStatusSchema,
  ...audit,
  authorizationUrl: z.string().check(
    z.meta({
      description:
        "Where to send the user: the bank's authorization endpoint with this intent's request. For a decoupled intent (created with `loginHint`) there is nothing to open: it is the bank's issuer identifier, the bank that asks the user in its app.",
    }),
  ),
  test: z
    .optional(z.literal(true))
    .check(z.meta({ description: 'Present, and true, only for a sandbox intent.' })),
  bankAccountId: z
    .optional(z.string())
    .check(z.meta({ description: 'For the payment types: the Bank Account of the consent.' })),
  name: z
    .optional(consentNameSchema)
    .check(z.meta({ description: "For the payment types, where set: the consent's name." })),
  period: z.optional(paymentPeriodSchema).check(
    z.meta({
      description: 'Always for the payment types (`daily` unless the creator chose another).',
    }),
  ),
  totalAmount: z
    .optional(z.string())
    .check(z.meta({ description: 'For the payment types, where set: the most per period, in cents.' })),
});
export type IntentResponse = z.infer<typeof intentResponseSchema>;
