import { type AuthorizationDetail, errors } from 'oidc-provider';
import * as z from 'zod';
import type { SandboxAccount, TestUser } from './test-users';

/** The RFC 9396 type the service sends with scope `payments` (functions/shared/provider/quartz-provider.ts). */
export const PAYMENT_CONSENT_TYPE = 'enduring_payment_consent';

/** The periods after which the amount spent under a consent resets. */
export const PAYMENT_PERIODS = ['daily', 'weekly', 'fortnightly', 'monthly', 'yearly'] as const;
export type PaymentPeriod = (typeof PAYMENT_PERIODS)[number];

const PERIOD_WORDS: Record<PaymentPeriod, string> = {
  daily: 'per day',
  weekly: 'per week',
  fortnightly: 'per fortnight',
  monthly: 'per month',
  yearly: 'per year',
};

/** A New Zealand bank: amounts are in NZD unless the detail names another ISO 4217 currency. */
const DEFAULT_CURRENCY = 'NZD';

/**
 * One `enduring_payment_consent` detail: the account (`account_number`, optionally the bank's own
 * `account_id`) and the consent's optional limits: `name` shown to the user, `period` after which the
 * spent amount resets, `totalAmount` in cents (the most the consent may move within one period).
 * Other members are allowed (RFC 9396 §2) and come back in the grant as they were sent.
 */
const paymentConsentSchema = z.looseObject({
  type: z.literal(PAYMENT_CONSENT_TYPE),
  account_number: z.string().min(1).max(64),
  account_id: z.string().min(1).max(64).optional(),
  name: z.string().min(1).max(100).optional(),
  period: z.enum(PAYMENT_PERIODS).optional(),
  totalAmount: z
    .string()
    .regex(/^[1-9]\d{0,11}$/, 'a string of cents: digits only, positive, at most 12 digits')
    .optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code')
    .optional(),
});

export type PaymentConsentDetail = z.infer<typeof paymentConsentSchema>;

/** oidc-provider's `richAuthorizationRequests.types[...].validate`: a refusal names the member. */
export function validatePaymentConsent(_ctx: unknown, detail: AuthorizationDetail): void {
  const parsed = paymentConsentSchema.safeParse(detail);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  const member = issue?.path.join('.') || 'detail';
  throw new errors.InvalidAuthorizationDetails(
    `${PAYMENT_CONSENT_TYPE} ${member} is invalid${issue ? `: ${issue.message}` : ''}`,
  );
}

/** A payment consent as the consent page and the banking app show it. */
export interface PaymentConsentView {
  accountNumber: string;
  accountId?: string;
  /** The user's own account with that number, when they hold one. */
  heldAccount?: SandboxAccount;
  name?: string;
  /** "NZD 500.00", when the consent has an amount limit. */
  totalAmount?: string;
  /** "per day"; the period also applies when no amount is set (the service defaults it to daily). */
  period?: string;
}

/** The payment consents among `details` (already validated by oidc-provider), ready to show. */
export function paymentConsentViews(
  details: readonly AuthorizationDetail[],
  user: TestUser,
): PaymentConsentView[] {
  return details.flatMap((detail) => {
    const parsed = paymentConsentSchema.safeParse(detail);
    if (!parsed.success) return [];
    const consent = parsed.data;
    const heldAccount = user.accounts.find((account) => account.accountNumber === consent.account_number);
    return [
      {
        accountNumber: consent.account_number,
        ...(consent.account_id ? { accountId: consent.account_id } : {}),
        ...(heldAccount ? { heldAccount } : {}),
        ...(consent.name ? { name: consent.name } : {}),
        ...(consent.totalAmount
          ? { totalAmount: formatMoney(consent.totalAmount, consent.currency ?? DEFAULT_CURRENCY) }
          : {}),
        ...(consent.period ? { period: PERIOD_WORDS[consent.period] } : {}),
      },
    ];
  });
}

/** "50000" cents → "NZD 500.00", with thousands separated; exact for any number of digits. */
export function formatMoney(cents: string, currency: string): string {
  const digits = cents.padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${currency} ${whole}.${digits.slice(-2)}`;
}
