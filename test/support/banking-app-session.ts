import { bankingAppPaths } from '../../local/sandbox-bank/banking-app-paths';
import { type Decision, FORM_FIELDS } from '../../local/sandbox-bank/form-fields';
import { SANDBOX_PASSWORD } from '../../local/sandbox-bank/test-users';
import { type BankPage, CookieJar } from './bank-session';

/** One decoupled request as the banking app lists it. */
export interface ListedRequest {
  /** The app's handle, from the request's form. */
  id: string;
  bindingMessage?: string;
  /** The request's card, as markup. */
  html: string;
}

/**
 * A person at the sandbox bank's banking app, over plain HTTP as a browser would: signs in (keeping the
 * app's cookie), reads the waiting requests and presses Approve or Deny on one.
 */
export class BankingAppSession {
  private readonly cookies = new CookieJar();

  constructor(private readonly issuer: string) {}

  /** Signs in; resolves with the page the app then shows (the list, or the sign-in page with its error). */
  async signIn(user: string, password = SANDBOX_PASSWORD): Promise<BankPage> {
    return this.post(bankingAppPaths.signIn, [
      [FORM_FIELDS.username, user],
      [FORM_FIELDS.password, password],
    ]);
  }

  async page(): Promise<BankPage> {
    return this.get(bankingAppPaths.home);
  }

  /** Presses Approve or Deny on the request; resolves with the list page the app returns to. */
  async decide(requestId: string, decision: Decision): Promise<BankPage> {
    return this.post(bankingAppPaths.request(requestId), [[FORM_FIELDS.decision, decision]]);
  }

  /** The requests a list page shows, in its order. */
  static requests(page: BankPage): ListedRequest[] {
    return [...page.html.matchAll(/<section class="request"[\s\S]*?<\/section>/g)].map(([card]) => {
      const id = /action="\/app\/requests\/([\w-]+)"/.exec(card)?.[1];
      if (!id) throw new Error(`A request card without its form: ${card}`);
      const bindingMessage = /data-testid="binding-message">([^<]*)</.exec(card)?.[1];
      return { id, html: card, ...(bindingMessage ? { bindingMessage } : {}) };
    });
  }

  /** The one listed request with this binding message. */
  static requestWith(page: BankPage, bindingMessage: string): ListedRequest {
    const matches = BankingAppSession.requests(page).filter(
      (request) => request.bindingMessage === bindingMessage,
    );
    if (matches.length !== 1) {
      throw new Error(`Expected one request "${bindingMessage}", found ${matches.length}`);
    }
    return matches[0] as ListedRequest;
  }

  private async post(path: string, fields: [string, string][]): Promise<BankPage> {
    const response = await this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const location = response.headers.get('location');
    if (response.status !== 303 || !location) {
      return { url: `${this.issuer}${path}`, status: response.status, html: await response.text() };
    }
    await response.body?.cancel();
    return this.get(location);
  }

  private async get(pathOrUrl: string): Promise<BankPage> {
    const url = new URL(pathOrUrl, this.issuer).href;
    const response = await this.request(url, { method: 'GET' });
    return { url, status: response.status, html: await response.text() };
  }

  private async request(pathOrUrl: string, init: RequestInit): Promise<Response> {
    const url = new URL(pathOrUrl, this.issuer);
    const headers = new Headers(init.headers);
    const cookie = this.cookies.headerFor(url);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.cookies.store(url, response.headers.getSetCookie());
    return response;
  }
}
