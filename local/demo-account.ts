/** The seed page's example account, so its example body works as it is. */
export const DEMO_ACCOUNT_ID = 'uooxSens6ykJaim1Cu1Q55';

/**
 * The API key the files in events/ carry, stored by every local stack for the demo account. It is
 * public on purpose and only ever valid on a local stack.
 */
export const SAM_EVENTS_API_KEY = 'local-only-key-for-the-sam-events';
