import * as z from 'zod';
import { type BankAccount, crn, isoTimestamp } from './schemas';

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
  test: z.literal(true).optional(),
  /** Only when true. */
  enduringPaymentConsentAuthorized: z.literal(true).optional(),
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
      ? { enduringPaymentConsentAuthorized: true as const }
      : {}),
    createdAt: bankAccount.createdAt,
    createdBy: bankAccount.createdBy,
    modifiedAt: bankAccount.updatedAt,
    modifiedBy: bankAccount.updatedBy,
  });
}
