import { ProviderUnavailableError } from '../../../functions/shared/domain/errors';
import { QuartzClient } from '../../../functions/shared/provider/quartz-client';
import { eventually } from '../../support/eventually';
import { FakeQuartz } from '../../support/fake-quartz';
import { LIVE_ISSUER } from '../../support/fixtures';

const DISCOVERY = '/.well-known/openid-configuration';
const REQUEST = { scope: 'openid accounts', state: 'state-1' };

const setup = (timeoutMs?: number) => {
  const quartz = new FakeQuartz();
  const client = new QuartzClient({
    issuer: LIVE_ISSUER,
    clientId: 'live-client',
    redirectUri: 'https://app.example.com/callback',
    clientSecret: async () => 'secret',
    fetch: quartz.fetch,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  return { quartz, client };
};

/** An answer the test releases when it wants; until then the request is under way. */
function held(): { answer: () => Promise<Response>; release: (response: Response) => void } {
  let release: (response: Response) => void = () => undefined;
  const pending = new Promise<Response>((resolve) => {
    release = resolve;
  });
  return { answer: () => pending, release };
}

const okDiscovery = () => new FakeQuartz().discovery();

describe('QuartzClient.startDiscovery (a cold start discovers the bank before any request)', () => {
  let unhandled: unknown[];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled = [];
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('fetches the discovery document at once, and the first request uses it without asking again', async () => {
    const { quartz, client } = setup();

    client.startDiscovery();
    await eventually(() => quartz.requestsTo(DISCOVERY).length === 1, 10);
    const { authorizationUrl } = await client.authorizationUrl(REQUEST);

    expect(new URL(authorizationUrl).pathname).toBe('/auth');
    expect(quartz.requestsTo(DISCOVERY)).toHaveLength(1);
  });

  it('makes a request that comes while it is under way wait for it, not discover a second time', async () => {
    const { quartz, client } = setup();
    const discovery = held();
    quartz.discovery = discovery.answer;

    client.startDiscovery();
    const request = client.authorizationUrl(REQUEST);
    discovery.release(await okDiscovery());

    await expect(request).resolves.toMatchObject({ authorizationUrl: expect.stringContaining('/auth?') });
    expect(quartz.requestsTo(DISCOVERY)).toHaveLength(1);
  });

  it('keeps nothing of a failed attempt: the first request discovers again, and succeeds', async () => {
    const { quartz, client } = setup();
    quartz.discovery = FakeQuartz.outage();

    client.startDiscovery();
    await eventually(() => quartz.requestsTo(DISCOVERY).length === 1, 10);
    quartz.discovery = okDiscovery;

    await expect(client.authorizationUrl(REQUEST)).resolves.toMatchObject({
      authorizationUrl: expect.stringContaining('/auth?'),
    });
    expect(quartz.requestsTo(DISCOVERY)).toHaveLength(2);
    expect(unhandled).toEqual([]);
  });

  it('makes a request whose early discovery fails while it waits discover on its own', async () => {
    const { quartz, client } = setup();
    const discovery = held();
    quartz.discovery = discovery.answer;

    client.startDiscovery();
    const request = client.authorizationUrl(REQUEST);
    quartz.discovery = okDiscovery;
    discovery.release(await FakeQuartz.outage()());

    await expect(request).resolves.toMatchObject({ authorizationUrl: expect.stringContaining('/auth?') });
    expect(quartz.requestsTo(DISCOVERY)).toHaveLength(2);
    expect(unhandled).toEqual([]);
  });

  it('makes a request wait no longer than its own budget for an early discovery that hangs (a frozen process)', async () => {
    const { quartz, client } = setup(200);
    // Never answers, and ignores its abort signal: as a socket left behind by a freeze might.
    quartz.discovery = () => new Promise<Response>(() => undefined);

    client.startDiscovery();
    quartz.discovery = okDiscovery;

    await expect(client.authorizationUrl(REQUEST)).resolves.toMatchObject({
      authorizationUrl: expect.stringContaining('/auth?'),
    });
    expect(quartz.requestsTo(DISCOVERY)).toHaveLength(2);
  });

  it('still answers a retryable error when the bank cannot be discovered on the request either', async () => {
    const { quartz, client } = setup();
    quartz.discovery = FakeQuartz.outage();

    client.startDiscovery();

    await expect(client.authorizationUrl(REQUEST)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(unhandled).toEqual([]);
  });

  it('does nothing once the endpoints are known', async () => {
    const { quartz, client } = setup();
    await client.authorizationUrl(REQUEST);

    client.startDiscovery();

    expect(quartz.requestsTo(DISCOVERY)).toHaveLength(1);
  });
});
