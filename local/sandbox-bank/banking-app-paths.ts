/**
 * The banking app's paths and notices: its pages render them and the test helper that drives the app
 * without a browser (test/support/banking-app-session.ts) uses them, so they live apart from anything
 * that loads oidc-provider (which jest's CommonJS transform cannot).
 */
export const BANKING_APP_PATH = '/app';
export const bankingAppPaths = {
  home: BANKING_APP_PATH,
  signIn: `${BANKING_APP_PATH}/sign-in`,
  signOut: `${BANKING_APP_PATH}/sign-out`,
  request: (id: string) => `${BANKING_APP_PATH}/requests/${id}`,
} as const;

/** What the list page says after a decision (a `notice` query value, so that a reload repeats nothing). */
export const BANKING_APP_NOTICES = {
  approved: 'You approved the request.',
  denied: 'You denied the request.',
  closed: 'That request was already answered or has expired.',
} as const;
export type BankingAppNotice = keyof typeof BANKING_APP_NOTICES;
