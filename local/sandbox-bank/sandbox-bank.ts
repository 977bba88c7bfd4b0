import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Provider } from 'oidc-provider';
import { accountsResource } from './accounts-resource';
import { BankState } from './bank-state';
import { bankingApp } from './banking-app';
import { decoupledPolling } from './decoupled-polling';
import { faultsRoute } from './faults-route';
import { interactionRoutes } from './interaction-routes';
import { providerConfiguration, type SandboxClient } from './provider-configuration';
import { securityHeaders } from './security-headers';
import { statsRoute } from './stats-route';
import { tokenGate } from './token-gate';

export type { SandboxClient } from './provider-configuration';

export interface SandboxBankOptions {
  /** 0 (the default) picks any free port. */
  port?: number;
  /** A loopback address only: the sandbox bank serves this machine. Default 127.0.0.1. */
  host?: string;
  clients: SandboxClient[];
}

export interface SandboxBank {
  /** `http://127.0.0.1:<port>`; discovery at `{issuer}/.well-known/openid-configuration`. */
  issuer: string;
  close(): Promise<void>;
}

/**
 * Starts the sandbox bank: an OAuth 2.0 / OpenID Connect authorization server (oidc-provider) with its
 * own login and consent pages, test users, the accounts resource `GET /accounts`, and the decoupled
 * flow (OpenID CIBA, poll mode) with a banking app at `/app` where users answer its requests.
 */
export async function startSandboxBank(options: SandboxBankOptions): Promise<SandboxBank> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`The sandbox bank listens on a loopback address only, not ${host}`);

  // The issuer names the port, so the server listens first and gets its handler once the port is known.
  const server = createServer();
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const state = new BankState();
  const provider = new Provider(issuer, providerConfiguration(issuer, options.clients, state));
  provider.use(securityHeaders);
  provider.use(statsRoute(state));
  provider.use(faultsRoute(state));
  provider.use(tokenGate(provider, state));
  provider.use(decoupledPolling(state));
  provider.use(accountsResource(provider, state));
  provider.use(interactionRoutes(provider, state));
  provider.use(bankingApp(provider, state));
  provider.on('server_error', (_ctx, error) => console.error('sandbox bank: server error', error));
  server.on('request', provider.callback());

  return {
    issuer,
    close: () => {
      state.decoupled.dispose();
      return close(server);
    },
  };
}

function isLoopback(host: string): boolean {
  return host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Also drops kept-alive connections: clients of a sandbox hold no request worth waiting for. */
function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
