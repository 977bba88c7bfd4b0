/**
 * The one route table: the CDK stack wires API Gateway from it, the local API routes with it, and
 * the SAM events are checked against it.
 */
export interface Route {
  /** Stable name; the CDK construct id of the route's function is `${id}Function`. */
  id: string;
  method: 'GET' | 'POST';
  /** API Gateway resource path; `{name}` segments are path parameters. */
  path: string;
  /** Folder under functions/ whose handler.ts exports `handler`. */
  handlerDir: string;
}

export const ROUTES = [
  {
    id: 'CreateIntent',
    method: 'POST',
    path: '/api/bank-account-connection-intents',
    handlerDir: 'create',
  },
  {
    id: 'AuthorizeIntent',
    method: 'POST',
    path: '/api/bank-account-connection-intents/{bankAccountConnectionIntentId}/authorize',
    handlerDir: 'authorize',
  },
  {
    id: 'GetIntent',
    method: 'GET',
    path: '/api/bank-account-connection-intents/{bankAccountConnectionIntentId}',
    handlerDir: 'get-intent',
  },
  {
    id: 'ListIntents',
    method: 'GET',
    path: '/api/accounts/{accountId}/bank-account-connection-intents',
    handlerDir: 'list-intents',
  },
  {
    id: 'GetBankAccount',
    method: 'GET',
    path: '/api/bank-accounts/{bankAccountId}',
    handlerDir: 'get-bank-account',
  },
  {
    id: 'ListBankAccounts',
    method: 'GET',
    path: '/api/accounts/{accountId}/bank-accounts',
    handlerDir: 'list-bank-accounts',
  },
] as const satisfies readonly Route[];
