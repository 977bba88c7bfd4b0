import type { Route } from '../../functions/routes';
import { approveAtBank } from '../../test/support/bank-session';
import { APPROVING_USER, CONNECTION, routeById } from './connection-flow';
import { type BenchAccount, httpRequestOf } from './route-requests';

/**
 * What the bench needs done before it measures, done through the local stack's API as a client
 * would (and at the sandbox bank as its user would): intents created, approved, authorized.
 */
export class SetupApi {
  constructor(private readonly apiUrl: string) {}

  async send(
    route: Route,
    account: BenchAccount,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const request = httpRequestOf(route, account);
    const response = await fetch(`${this.apiUrl}${request.path}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body ? { body: request.body } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  private async expect200(route: Route, account: BenchAccount): Promise<Record<string, unknown>> {
    const { status, body } = await this.send(route, account);
    if (status !== 200) throw new Error(`Setup: ${route.id} answered ${status} ${JSON.stringify(body)}`);
    return body;
  }

  /** Creates an intent and has the bank's user approve it: the account holds it and a fresh code. */
  async approvedIntent(account: BenchAccount): Promise<BenchAccount> {
    const intent = await this.expect200(routeById(CONNECTION.create), account);
    const { code } = await approveAtBank(String(intent.authorizationUrl), { user: APPROVING_USER });
    return { ...account, intentId: String(intent.id), code };
  }

  /** Posts the account's code: its intent becomes authorized and its Bank Accounts exist. */
  async authorize(account: BenchAccount): Promise<void> {
    await this.expect200(routeById(CONNECTION.authorize), account);
  }

  async createIntent(account: BenchAccount): Promise<void> {
    await this.expect200(routeById(CONNECTION.create), account);
  }

  /** The Bank Accounts an authorized intent connected. */
  async connectedBankAccounts(account: BenchAccount): Promise<string[]> {
    const intent = await this.expect200(routeById(CONNECTION.read), account);
    return (intent.bankAccountIds as string[] | undefined) ?? [];
  }
}
