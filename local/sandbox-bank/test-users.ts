/** An account as the bank's accounts resource answers it (`GET /accounts`). */
export interface SandboxAccount {
  id: string;
  accountNumber: string;
  accountName: string;
}

export interface TestUser {
  username: string;
  displayName: string;
  /** Shown on the login page: what signing in as this user is for. */
  purpose: string;
  accounts: SandboxAccount[];
  /** Olive's bank fails the first redemption of each of her codes with a 503 (see token-gate.ts). */
  outageOnFirstRedemption?: boolean;
  /** The token endpoint redeems this user's code, then waits this long before it answers. */
  tokenDelayMs?: number;
}

/** Every test user signs in with this password; the login page says so. */
export const SANDBOX_PASSWORD = 'sandbox';

export const TEST_USERS: readonly TestUser[] = [
  {
    username: 'alice',
    displayName: 'Alice Example',
    purpose: 'Approves: choose any of her three accounts.',
    accounts: [
      { id: 'acc-alice-1', accountNumber: '12-3456-7890123-00', accountName: 'Everyday' },
      { id: 'acc-alice-2', accountNumber: '12-3456-7890123-01', accountName: 'Savings' },
      { id: 'acc-alice-3', accountNumber: '12-3456-7890123-02', accountName: 'Bills' },
    ],
  },
  {
    username: 'dan',
    displayName: 'Dan Decliner',
    purpose: 'Denies: press Deny (any user can), and the code the app receives is refused.',
    accounts: [
      { id: 'acc-dan-1', accountNumber: '38-9000-1234567-00', accountName: 'Cheque' },
      { id: 'acc-dan-2', accountNumber: '38-9000-1234567-01', accountName: 'Travel' },
    ],
  },
  {
    username: 'olive',
    displayName: 'Olive Outage',
    purpose: 'Bank outage: the first redemption of each of her codes answers 503; a retry works.',
    accounts: [{ id: 'acc-olive-1', accountNumber: '02-0100-0456789-00', accountName: 'Everyday' }],
    outageOnFirstRedemption: true,
  },
  {
    username: 'sloane',
    displayName: 'Sloane Slow',
    purpose: 'Slow bank: the token endpoint answers after 8 seconds; the connection still completes.',
    accounts: [{ id: 'acc-sloane-1', accountNumber: '06-0501-0678901-00', accountName: 'Everyday' }],
    tokenDelayMs: 8_000,
  },
];

export function findTestUser(username: string): TestUser | undefined {
  return TEST_USERS.find((user) => user.username === username);
}
