import { type Decision, FORM_FIELDS } from '../../local/sandbox-bank/form-fields';
import { SANDBOX_PASSWORD } from '../../local/sandbox-bank/test-users';

/** Where the bank sent the browser back to the client: the authorization response. */
export interface BankRedirect {
  code: string;
  state: string;
  /** RFC 9207: the bank names itself in the authorization response. */
  iss?: string;
  redirectUrl: string;
}

/** A page of the bank, as a browser would show it. */
export interface BankPage {
  url: string;
  status: number;
  html: string;
}

export interface ApproveOptions {
  user: string;
  password?: string;
  /** Account ids to tick on the consent page; default every account the page offers. */
  accounts?: string[];
  decision?: Decision;
}

/**
 * Signs in at the sandbox bank and answers its consent page over plain HTTP, as a browser would:
 * follows redirects by hand, keeps the bank's cookies, submits the forms. Stops at the redirect to the
 * client's redirect_uri, which it never requests.
 */
export async function approveAtBank(
  authorizationUrl: string,
  options: ApproveOptions,
): Promise<BankRedirect> {
  const session = new BankSession();
  const consent = await session.signIn(authorizationUrl, options.user, options.password);
  return session.decide(consent, options);
}

export type BankStep = { page: BankPage } | { leftBankTo: string };

const MAX_REDIRECTS = 10;

/** One browser at the bank: a cookie jar and the steps of the authorization journey. */
export class BankSession {
  private readonly cookies = new CookieJar();

  /** Opens the authorization URL and signs in; resolves with the consent page. */
  async signIn(authorizationUrl: string, user: string, password = SANDBOX_PASSWORD): Promise<BankPage> {
    const login = expectPage(await this.navigate(authorizationUrl), 'the login page');
    if (!inputs(login.html).some((input) => input.name === FORM_FIELDS.username)) {
      throw new Error(`Expected the login page, got ${describe(login)}`);
    }
    const consent = expectPage(
      await this.submit(login, [
        [FORM_FIELDS.username, user],
        [FORM_FIELDS.password, password],
      ]),
      'the consent page',
    );
    if (!consent.html.includes(`name="${FORM_FIELDS.decision}"`)) {
      throw new Error(`Expected the consent page, got ${describe(consent)}`);
    }
    return consent;
  }

  /** Presses Approve (with the chosen accounts ticked) or Deny; resolves with the redirect to the client. */
  async decide(consent: BankPage, options: Omit<ApproveOptions, 'user'> = {}): Promise<BankRedirect> {
    const offered = inputs(consent.html)
      .filter((input) => input.type === 'checkbox' && input.name === FORM_FIELDS.accounts)
      .map((input) => input.value ?? '');
    const ticked = options.accounts ?? offered;
    const step = await this.submit(consent, [
      ...ticked.map((id): [string, string] => [FORM_FIELDS.accounts, id]),
      [FORM_FIELDS.decision, options.decision ?? 'approve'],
    ]);
    if ('page' in step) throw new Error(`Expected a redirect to the client, got ${describe(step.page)}`);
    return authorizationResponse(step.leftBankTo);
  }

  /** GETs a URL and follows the bank's redirects until a page, or a redirect that leaves the bank. */
  async navigate(url: string): Promise<BankStep> {
    return this.settle(await this.follow(await this.request(url, { method: 'GET' }), url));
  }

  private async submit(page: BankPage, fields: [string, string][]): Promise<BankStep> {
    return this.settle(await this.post(page, fields));
  }

  /**
   * oidc-provider answers some steps with a page whose script submits its hidden form at once (when
   * another user signs in, it ends the previous session that way): submit it, as the browser would.
   */
  private async settle(step: BankStep): Promise<BankStep> {
    let current = step;
    for (let submitted = 0; 'page' in current && selfSubmits(current.page); submitted += 1) {
      if (submitted === MAX_REDIRECTS) throw new Error('The bank kept answering self-submitting forms');
      const hidden = inputs(current.page.html)
        .filter((input) => input.type === 'hidden' && input.name !== undefined)
        .map((input): [string, string] => [input.name ?? '', input.value ?? '']);
      current = await this.post(current.page, hidden);
    }
    return current;
  }

  private async post(page: BankPage, fields: [string, string][]): Promise<BankStep> {
    const action = /<form\b[^>]*\baction="([^"]*)"/.exec(page.html)?.[1];
    if (action === undefined) throw new Error(`No form on ${describe(page)}`);
    const url = new URL(decodeEntities(action), page.url).href;
    const response = await this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return this.follow(response, url);
  }

  private async follow(first: Response, firstUrl: string): Promise<BankStep> {
    const bankOrigin = new URL(firstUrl).origin;
    let response = first;
    let url = firstUrl;
    for (let hops = 0; hops <= MAX_REDIRECTS; hops += 1) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        return { page: { url, status: response.status, html: await response.text() } };
      }
      await response.body?.cancel();
      url = new URL(location, url).href;
      if (new URL(url).origin !== bankOrigin) return { leftBankTo: url };
      response = await this.request(url, { method: 'GET' });
    }
    throw new Error(`More than ${MAX_REDIRECTS} redirects at the bank`);
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.cookies.headerFor(new URL(url));
    if (cookie) headers.set('cookie', cookie);
    headers.set('accept', 'text/html');
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.cookies.store(new URL(url), response.headers.getSetCookie());
    return response;
  }
}

function selfSubmits(page: BankPage): boolean {
  return page.html.includes('document.forms[0].submit()');
}

function expectPage(step: BankStep, what: string): BankPage {
  if ('page' in step) return step.page;
  throw new Error(`Expected ${what}, but the bank redirected to the client: ${redactCode(step.leftBankTo)}`);
}

function authorizationResponse(redirectUrl: string): BankRedirect {
  const params = new URL(redirectUrl).searchParams;
  const error = params.get('error');
  if (error) {
    throw new Error(`The bank answered error=${error}: ${params.get('error_description') ?? ''}`);
  }
  const code = params.get('code');
  const state = params.get('state');
  if (!code || state === null) throw new Error(`No code or state in ${redactCode(redirectUrl)}`);
  return { code, state, iss: params.get('iss') ?? undefined, redirectUrl };
}

/** A page's alert text, or its status: enough to see why a journey stopped. */
function describe(page: BankPage): string {
  const alert = /<p class="error" role="alert">([\s\S]*?)<\/p>/.exec(page.html)?.[1];
  const text = alert ? decodeEntities(alert.replace(/<[^>]+>/g, '')) : '';
  return `HTTP ${page.status} at ${page.url}${text ? `: ${text}` : ''}`;
}

function redactCode(url: string): string {
  const parsed = new URL(url);
  if (parsed.searchParams.has('code')) parsed.searchParams.set('code', '[redacted]');
  return parsed.href;
}

interface InputElement {
  name?: string;
  type?: string;
  value?: string;
}

/** The `<input>` elements of a page of the bank (its markup is plain and attribute values are quoted). */
function inputs(html: string): InputElement[] {
  return [...html.matchAll(/<input\b[^>]*>/g)].map(([tag]) => {
    const attributes = Object.fromEntries(
      [...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, name = '', value = '']) => [
        name,
        decodeEntities(value),
      ]),
    );
    return { name: attributes.name, type: attributes.type, value: attributes.value };
  });
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

function decodeEntities(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** Cookies by name and path, sent back on requests whose path they match (RFC 6265 §5.1.4). */
export class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();

  store(url: URL, setCookieHeaders: string[]): void {
    for (const header of setCookieHeaders) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      if (separator <= 0) continue;
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      const attribute = (key: string) =>
        attributes.find((item) => item.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const path = attribute('path') ?? defaultPath(url);
      const maxAge = attribute('max-age');
      const expires = attribute('expires');
      const expired =
        (maxAge !== undefined && Number(maxAge) <= 0) ||
        (expires !== undefined && Date.parse(expires) <= Date.now());
      const key = `${name}\u0000${path}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path });
    }
  }

  headerFor(url: URL): string {
    return [...this.cookies.values()]
      .filter((cookie) => pathMatches(url.pathname, cookie.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }
}

function defaultPath(url: URL): string {
  const lastSlash = url.pathname.lastIndexOf('/');
  return lastSlash > 0 ? url.pathname.slice(0, lastSlash) : '/';
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  return (
    requestPath === cookiePath ||
    (requestPath.startsWith(cookiePath) &&
      (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'))
  );
}
