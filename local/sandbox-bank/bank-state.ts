import { DecoupledRequests } from './decoupled-requests';
import { type BankFaults, NO_FAULTS } from './faults';
import type { SandboxAccount } from './test-users';

export interface SandboxStats {
  /** Requests that reached the token endpoint, whatever their outcome. */
  tokenRequests: number;
  /** authorization_code redemptions that answered tokens. */
  redeemedCodes: number;
  /** Polls of approved decoupled (CIBA) requests that answered tokens: once per request, if the client is right. */
  collectedDecoupledRequests: number;
}

/**
 * What the bank remembers beside oidc-provider's own models, all keyed by grant id: oidc-provider's
 * Grant keeps only its own fields, so the user's decision lives here. One grant is made per
 * authorization (see loadExistingGrant in provider-configuration.ts), so a grant id names one code.
 * In memory for the life of the process, like oidc-provider's default adapter.
 */
export class BankState {
  readonly stats: SandboxStats = { tokenRequests: 0, redeemedCodes: 0, collectedDecoupledRequests: 0 };
  /** Switched through `/sandbox/faults` (faults-route.ts). */
  faults: BankFaults = NO_FAULTS;
  /** Decoupled (CIBA) requests, for the banking app and the test users' own answers. */
  readonly decoupled = new DecoupledRequests();
  private readonly sharedAccounts = new Map<string, SandboxAccount[]>();
  private readonly deniedGrants = new Set<string>();
  private readonly pendingOutages = new Set<string>();

  recordApproval(grantId: string, accounts: SandboxAccount[], options: { outage: boolean }): void {
    this.sharedAccounts.set(grantId, accounts);
    if (options.outage) this.pendingOutages.add(grantId);
  }

  recordDenial(grantId: string, options: { outage: boolean }): void {
    this.deniedGrants.add(grantId);
    if (options.outage) this.pendingOutages.add(grantId);
  }

  accountsSharedBy(grantId: string): SandboxAccount[] {
    return this.sharedAccounts.get(grantId) ?? [];
  }

  isDenied(grantId: string): boolean {
    return this.deniedGrants.has(grantId);
  }

  hasPendingOutage(): boolean {
    return this.pendingOutages.size > 0;
  }

  clearFaults(): void {
    this.faults = NO_FAULTS;
  }

  /** True once per grant: the first redemption attempt of that grant's code meets the outage. */
  takeOutage(grantId: string): boolean {
    return this.pendingOutages.delete(grantId);
  }
}
