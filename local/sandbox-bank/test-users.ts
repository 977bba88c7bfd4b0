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
  /**
   * What the user does with a decoupled (CIBA) request by themselves. Without it, a request waits for
   * the user to approve or deny it in the banking app (banking-app.ts) until it expires.
   */
  decoupled?: DecoupledBehaviour;
}

export type DecoupledBehaviour =
  | { answer: 'approve' | 'deny'; afterMs: number }
  /** The request is never answered and expires after this long (its `expires_in`). */
  | { answer: 'never'; expiresInSeconds: number };

/** Every test user signs in with this password; the login page says so. */
export const SANDBOX_PASSWORD = 'sandbox';

export const TEST_USERS: readonly TestUser[] = [
  {
    username: 'alice',
    displayName: 'Alice Example',
    purpose:
      'Approves: choose any of her three accounts. Decoupled requests wait for her in the banking app.',
    accounts: [
      { id: 'acc-alice-1', accountNumber: '12-3456-7890123-00', accountName: 'Everyday' },
      { id: 'acc-alice-2', accountNumber: '12-3456-7890123-01', accountName: 'Savings' },
      { id: 'acc-alice-3', accountNumber: '12-3456-7890123-02', accountName: 'Bills' },
    ],
  },
  {
    username: 'dan',
    displayName: 'Dan Decliner',
    purpose:
      'Denies: press Deny (any user can), and the code the app receives is refused. Denies a decoupled request by himself after 2 seconds.',
    accounts: [
      { id: 'acc-dan-1', accountNumber: '38-9000-1234567-00', accountName: 'Cheque' },
      { id: 'acc-dan-2', accountNumber: '38-9000-1234567-01', accountName: 'Travel' },
    ],
    decoupled: { answer: 'deny', afterMs: 2_000 },
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
  {
    username: 'carol',
    displayName: 'Carol Decoupled',
    purpose:
      'Decoupled approval: approves a decoupled request by herself about 3 seconds after it starts (all her accounts).',
    accounts: [
      { id: 'acc-carol-1', accountNumber: '01-0234-0567890-00', accountName: 'Everyday' },
      { id: 'acc-carol-2', accountNumber: '01-0234-0567890-25', accountName: 'Online Saver' },
    ],
    decoupled: { answer: 'approve', afterMs: 3_000 },
  },
  {
    username: 'erin',
    displayName: 'Erin Elsewhere',
    purpose: 'Decoupled silence: never answers a decoupled request, which expires after 30 seconds.',
    accounts: [{ id: 'acc-erin-1', accountNumber: '03-1500-0987654-00', accountName: 'Everyday' }],
    decoupled: { answer: 'never', expiresInSeconds: 30 },
  },
];

export function findTestUser(username: string): TestUser | undefined {
  return TEST_USERS.find((user) => user.username === username);
}
