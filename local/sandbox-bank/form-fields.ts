/**
 * The names of the bank's form fields and decisions: the pages render them and the test helper that
 * drives the bank without a browser (test/support/bank-session.ts) submits them, so they live in one place.
 */
export const FORM_FIELDS = {
  username: 'username',
  password: 'password',
  accounts: 'accounts',
  decision: 'decision',
} as const;

export const DECISIONS = ['approve', 'deny'] as const;
export type Decision = (typeof DECISIONS)[number];
