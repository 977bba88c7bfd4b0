import type { QuartzFetch } from '../../functions/shared/provider/quartz-client';

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

type Answer = () => Response | Promise<Response>;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * A scripted Quartz behind oauth4webapi's custom-fetch hook: discovery for both issuers, a token
 * endpoint, the backchannel authentication endpoint (CIBA) and the accounts resource, each answer
 * replaceable per test; every request is recorded.
 */
export class FakeQuartz {
  readonly requests: RecordedRequest[] = [];
  discovery: Answer = () => json(200, {});
  token: Answer = () => json(200, { access_token: 'access-token-1', token_type: 'Bearer', expires_in: 300 });
  backchannel: Answer = () => json(200, { auth_req_id: 'auth-req-1', expires_in: 120, interval: 2 });
  accounts: Answer = () =>
    json(200, [
      { id: 'qa-1', accountNumber: '12-3456-7890123-00', accountName: 'Everyday' },
      { id: 'qa-2', accountNumber: '12-3456-7890123-01', accountName: 'Savings' },
    ]);

  static readonly rejected = (error: string) => () => json(400, { error, error_description: 'nope' });
  static readonly answer = (status: number, body: unknown) => () => json(status, body);
  static readonly outage = () => () => new Response('upstream down', { status: 503 });
  static readonly timeout = () => () =>
    Promise.reject(new DOMException('The operation timed out', 'TimeoutError'));
  /** What fetch throws when nothing listens at the bank's address: the request never left. */
  static readonly refused = () => () =>
    Promise.reject(
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      }),
    );

  readonly fetch: QuartzFetch = async (url, options) => {
    this.requests.push({
      url,
      method: options.method,
      headers: options.headers,
      body: String(options.body ?? ''),
    });
    const { origin, pathname } = new URL(url);
    if (pathname === '/.well-known/openid-configuration') {
      const discovered = await this.discovery();
      if (discovered.status !== 200) return discovered;
      return json(200, {
        issuer: origin,
        authorization_endpoint: `${origin}/auth`,
        token_endpoint: `${origin}/token`,
        backchannel_authentication_endpoint: `${origin}/backchannel`,
      });
    }
    if (pathname === '/token') return this.token();
    if (pathname === '/backchannel') return this.backchannel();
    if (pathname === '/accounts') return this.accounts();
    return json(404, { error: 'not_found' });
  };

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => new URL(request.url).pathname === path);
  }
}
