import * as z from 'zod/mini';
import { type BankAccount, consentNameSchema, crn, isoTimestamp, paymentPeriodSchema } from './schemas';

/**
 * A Bank Account in the API family's field names (its page calls the audit fields `modifiedAt/By`).
 * Strict: the provider's account id and the table's keys stay inside the service.
 */
export const bankAccountViewSchema = z.strictObject({
  id: z.string(),
  accountId: z.string(),
  type: z.literal('quartz'),
  bankAccountNumber: z.string(),
  bankAccountName: z.string(),
  /** Only when true, as every optional flag of the family. */
  test: z.optional(z.literal(true)),
  /** Only when true. */
  enduringPaymentConsentAuthorized: z.optional(z.literal(true)),
  // The authorized consent's limits, where known (a consent from before limits has none).
  name: z
    .optional(consentNameSchema)
    .check(z.meta({ description: "With the consent, where set: the consent's name." })),
  period: z
    .optional(paymentPeriodSchema)
    .check(
      z.meta({ description: 'With the consent, where known: the period after which its amount resets.' }),
    ),
  totalAmount: z
    .optional(z.string())
    .check(z.meta({ description: 'With the consent, where set: the most per period, in cents.' })),
  createdAt: isoTimestamp,
  createdBy: crn,
  modifiedAt: isoTimestamp,
  modifiedBy: crn,
});
export type BankAccountView = z.infer<typeof bankAccountViewSchema>;

export const bankAccountListSchema = z.array(bankAccountViewSchema);

export function toBankAccountView(bankAccount: BankAccount): BankAccountView {
  return bankAccountViewSchema.parse({
    id: bankAccount.id,
    accountId: bankAccount.accountId,
    type: bankAccount.type,
    bankAccountNumber: bankAccount.accountNumber,
    bankAccountName: bankAccount.name,
    ...(bankAccount.test === true ? { test: true as const } : {}),
    ...(bankAccount.enduringPaymentConsentAuthorized === true
      ? { enduringPaymentConsentAuthorized: true as const, ...bankAccount.paymentConsent }
      : {}),
    createdAt: bankAccount.createdAt,
    createdBy: bankAccount.createdBy,
    modifiedAt: bankAccount.updatedAt,
    modifiedBy: bankAccount.updatedBy,
  });
}
