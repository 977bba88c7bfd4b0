import { randomBytes } from 'node:crypto';
import type { AuthorizationDetail } from 'oidc-provider';

/**
 * How long a client waits between two polls of one decoupled request (CIBA `interval`), in seconds.
 * Short, as a sandbox's should be: a test or a person trying the local stack sees the outcome soon.
 */
export const POLL_INTERVAL_SECONDS = 1;
/** What a poll that came too early adds to the request's interval (CIBA §11, as RFC 8628 §3.5). */
export const SLOW_DOWN_STEP_SECONDS = 5;
/** A decoupled request's lifetime unless the client asks for less or the user's behaviour says otherwise. */
export const DECOUPLED_REQUEST_TTL_SECONDS = 300;

export type DecoupledStatus = 'pending' | 'approved' | 'denied';

/** A decoupled (CIBA) request as the bank's own side keeps it: what the banking app shows and decides. */
export interface DecoupledRequest {
  /** The banking app's handle for the request; the auth_req_id stays the client's. */
  readonly id: string;
  /** oidc-provider's BackchannelAuthenticationRequest id, which is the client's auth_req_id. */
  readonly requestId: string;
  readonly username: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly resource?: string;
  readonly bindingMessage?: string;
  readonly authorizationDetails: readonly AuthorizationDetail[];
  /** Epoch ms. */
  readonly createdAt: number;
  readonly expiresAt: number;
  status: DecoupledStatus;
  /** Poll pacing: when the client last polled, and the interval in force (raised by slow_down). */
  lastPollAt?: number;
  intervalSeconds: number;
}

export type NewDecoupledRequest = Omit<DecoupledRequest, 'id' | 'status' | 'intervalSeconds'>;

/** Requests this long past their expiry are forgotten, so the registry does not grow without end. */
const FORGET_AFTER_MS = 10 * 60_000;

/** The decoupled requests of one bank, in memory for the life of the process, and their timers. */
export class DecoupledRequests {
  private readonly requests = new Map<string, DecoupledRequest>();
  private readonly byRequestId = new Map<string, DecoupledRequest>();
  private readonly timers = new Set<NodeJS.Timeout>();

  add(fields: NewDecoupledRequest): DecoupledRequest {
    this.forgetOld(fields.createdAt);
    const request: DecoupledRequest = {
      ...fields,
      id: randomBytes(12).toString('base64url'),
      status: 'pending',
      intervalSeconds: POLL_INTERVAL_SECONDS,
    };
    this.requests.set(request.id, request);
    this.byRequestId.set(request.requestId, request);
    return request;
  }

  find(id: string): DecoupledRequest | undefined {
    return this.requests.get(id);
  }

  findByRequestId(requestId: string): DecoupledRequest | undefined {
    return this.byRequestId.get(requestId);
  }

  /** The user's requests still waiting for an answer at `now`, oldest first. */
  pendingFor(username: string, now: number): DecoupledRequest[] {
    return [...this.requests.values()].filter(
      (request) => request.username === username && isOpen(request, now),
    );
  }

  /**
   * Moves a pending, unexpired request to its outcome; false when it was already answered or has
   * expired, so that the banking app and a user's own behaviour can never both answer one request.
   */
  settle(request: DecoupledRequest, status: Exclude<DecoupledStatus, 'pending'>, now: number): boolean {
    if (!isOpen(request, now)) return false;
    request.status = status;
    return true;
  }

  /** Runs `work` after `delayMs`, unless the bank closes first; never keeps the process alive. */
  schedule(delayMs: number, work: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work().catch((error: unknown) => console.error('sandbox bank: a scheduled answer failed', error));
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private forgetOld(now: number): void {
    for (const request of this.requests.values()) {
      if (request.expiresAt + FORGET_AFTER_MS < now) {
        this.requests.delete(request.id);
        this.byRequestId.delete(request.requestId);
      }
    }
  }
}

function isOpen(request: DecoupledRequest, now: number): boolean {
  return request.status === 'pending' && now < request.expiresAt;
}
