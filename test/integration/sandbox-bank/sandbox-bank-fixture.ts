import { QuartzClient } from '../../../functions/shared/provider/quartz-client';
import { type SandboxBankProcess, spawnSandboxBank } from '../../../local/sandbox-bank/bank-process';
import type { SandboxStats } from '../../../local/sandbox-bank/bank-state';

export const CLIENT_ID = 'connection-intents-it';
export const CLIENT_SECRET = 'sandbox-bank-it-secret';
/** Registered at the bank; nothing listens there, and the tests never request it. */
export const REDIRECT_URI = 'http://127.0.0.1:9/quartz/callback';

/** Starting the bank compiles it with tsx and generates an RSA key: allow for a slow machine. */
export const BANK_START_TIMEOUT_MS = 30_000;

export function startBank(): Promise<SandboxBankProcess> {
  return spawnSandboxBank({
    client: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] },
  });
}

/** The service's own Quartz client, pointed at the sandbox bank. */
export function quartzClient(issuer: string, overrides: { redirectUri?: string } = {}): QuartzClient {
  return new QuartzClient({
    issuer,
    clientId: CLIENT_ID,
    redirectUri: overrides.redirectUri ?? REDIRECT_URI,
    clientSecret: async () => CLIENT_SECRET,
  });
}

export async function bankStats(issuer: string): Promise<SandboxStats> {
  const response = await fetch(`${issuer}/sandbox/stats`);
  return (await response.json()) as SandboxStats;
}

export interface SandboxBankHandle {
  readonly bank: SandboxBankProcess;
  readonly quartz: QuartzClient;
}

/** Starts a sandbox bank (and the service's client for it) before the file's tests, stops it after. */
export function useSandboxBank(): SandboxBankHandle {
  let running: SandboxBankHandle | undefined;
  beforeAll(async () => {
    const bank = await startBank();
    running = { bank, quartz: quartzClient(bank.issuer) };
  }, BANK_START_TIMEOUT_MS);
  afterAll(() => running?.bank.stop());
  const current = () => {
    if (!running) throw new Error('the sandbox bank is not running: use it inside a test');
    return running;
  };
  return {
    get bank() {
      return current().bank;
    },
    get quartz() {
      return current().quartz;
    },
  };
}
