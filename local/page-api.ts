import * as z from 'zod';
import type { AuthorizeIntentBody, CreateIntentBody } from '../functions/shared/domain/schemas';
import { retryAfterSeconds } from './retry-after';

/**
 * One answer of the API as the local pages read it. `status` is `'no-answer'` when the request
 * itself failed (the API was not reached); the body is the parsed JSON, or undefined.
 */
export interface ApiReply {
  status: number | 'no-answer';
  retryAfterSeconds: number | undefined;
  body: unknown;
}

/** The contract's error body, as far as the pages read it. */
const errorBodySchema = z.object({ message: z.string(), reason: z.string().optional() });

/** The documented code of an error answer (`message`), or undefined for any other body. */
export function errorCodeOf(reply: ApiReply): string | undefined {
  const parsed = errorBodySchema.safeParse(reply.body);
  return parsed.success ? parsed.data.message : undefined;
}

/** What the callback page asks of the API. */
export type CallbackApi = Pick<PageApi, 'authorize' | 'getIntent' | 'getBankAccount'>;
/** What the start page asks of the API. */
export type StartApi = Pick<PageApi, 'createIntent' | 'getBankAccount' | 'listBankAccounts'>;

export interface PageApiOptions {
  /** Where the API listens (the pages' own server). */
  apiUrl: string;
  /** The demo account's API key: the pages act as the integrator's back end would, with its key. */
  apiKey: string;
  now?: () => number;
}

/**
 * The local pages' client of the API: they read and write only through the operations an
 * integrator has, so what they show is what a client would see.
 */
export class PageApi {
  private readonly now: () => number;

  constructor(private readonly options: PageApiOptions) {
    this.now = options.now ?? Date.now;
  }

  createIntent(body: CreateIntentBody): Promise<ApiReply> {
    return this.send('POST', '/api/bank-account-connection-intents', body);
  }

  authorize(intentId: string, body: AuthorizeIntentBody): Promise<ApiReply> {
    return this.send(
      'POST',
      `/api/bank-account-connection-intents/${encodeURIComponent(intentId)}/authorize`,
      body,
    );
  }

  getIntent(intentId: string): Promise<ApiReply> {
    return this.send('GET', `/api/bank-account-connection-intents/${encodeURIComponent(intentId)}`);
  }

  getBankAccount(bankAccountId: string): Promise<ApiReply> {
    return this.send('GET', `/api/bank-accounts/${encodeURIComponent(bankAccountId)}`);
  }

  listBankAccounts(accountId: string): Promise<ApiReply> {
    return this.send('GET', `/api/accounts/${encodeURIComponent(accountId)}/bank-accounts`);
  }

  private async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiReply> {
    let response: Response;
    try {
      response = await fetch(`${this.options.apiUrl}${path}`, {
        method,
        headers: {
          'x-api-key': this.options.apiKey,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      return { status: 'no-answer', retryAfterSeconds: undefined, body: undefined };
    }
    const text = await response.text().catch(() => '');
    return {
      status: response.status,
      retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after'), this.now()),
      body: parseJson(text),
    };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
