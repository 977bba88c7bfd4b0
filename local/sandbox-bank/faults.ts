import * as z from 'zod';

/**
 * Faults the sandbox bank can be switched into, so tests (and a curious developer) can see how the
 * service behaves when its bank misbehaves. They hold until switched off.
 */
export const bankFaultsSchema = z.strictObject({
  /** The token endpoint redeems the code, then waits this long before answering. */
  tokenDelayMs: z.number().int().min(0).max(120_000).default(0),
  /** The token endpoint redeems the code, then answers 200 with a body that is not a token response. */
  tokenMalformed: z.boolean().default(false),
  /** The accounts resource answers this status (e.g. 503) instead of the accounts; null: it works. */
  accountsStatus: z.number().int().min(400).max(599).nullable().default(null),
});

export type BankFaults = z.infer<typeof bankFaultsSchema>;

export const NO_FAULTS: BankFaults = bankFaultsSchema.parse({});
