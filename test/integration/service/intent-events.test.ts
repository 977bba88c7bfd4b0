import { ID_PATTERN } from '../../../functions/shared/domain/ids';
import { INTENT_EVENT_SOURCE, intentEventId } from '../../../functions/shared/domain/intent-events';
import type { IntentStatus } from '../../../functions/shared/domain/schemas';
import { javaAvailable } from '../../../local/dynamodb-local-process';
import type { LocalBusEvent } from '../../../local/local-event-bus';
import type { DeadLetter } from '../../../local/stream-reader';
import { approveAtBank } from '../../support/bank-session';
import { eventually } from '../../support/eventually';
import {
  type RunningStack,
  STACK_START_TIMEOUT_MS,
  STACK_STOP_TIMEOUT_MS,
  startStackProcess,
} from '../../support/local-stack-process';
import { ServiceClient } from '../../support/service-client';

// The whole path of an event, no mocks: the local API writes the intent to DynamoDB Local, the
// stack's stream reader hands the table's stream records to the publisher handler bundle as Lambda
// would, and its EventBridge client puts the events on the stack's local bus, read here through
// GET /local/events. Events need a table stream, which only DynamoDB Local has: these run where Java
// is installed (CI installs it), and the last test covers a stack on dynalite.
const withJava = javaAvailable() ? describe : describe.skip;

interface LocalEvents {
  events: LocalBusEvent[];
  refused: number;
  deadLetters: DeadLetter[];
}

const DETAIL_TYPES: Record<IntentStatus, string> = {
  created: 'Bank Account Connection Intent Created',
  authorized: 'Bank Account Connection Intent Authorized',
  failed: 'Bank Account Connection Intent Failed',
};

/**
 * Intents of this stack expire 30 s after create, swept every second: long enough to authorize one
 * on a busy machine, short enough to wait for an expiry. The intents a test leaves `created` expire
 * too, later, each publishing a Failed event: no test here counts on the bus being idle.
 */
const LIFETIME_SECONDS = 30;

withJava('the events of intents, on DynamoDB Local', () => {
  let stack: RunningStack;
  let api: ServiceClient;
  beforeAll(async () => {
    stack = await startStackProcess(
      ['--intent-lifetime', String(LIFETIME_SECONDS), '--expiry-sweep-interval', '1'],
      { env: { LOCAL_DYNAMODB_ENGINE: 'dynamodb-local' } },
    );
    api = new ServiceClient(stack);
  }, STACK_START_TIMEOUT_MS + 10_000);
  afterAll(() => stack?.stop(), STACK_STOP_TIMEOUT_MS);

  const eventsUrl = () => {
    if (!stack.eventsUrl) throw new Error('the stack publishes no events');
    return stack.eventsUrl;
  };
  const localEvents = async (): Promise<LocalEvents> =>
    (await (await fetch(eventsUrl())).json()) as LocalEvents;
  const eventsOfIntent = async (intentId: string) =>
    (await localEvents()).events.filter((event) => (event.detail as { id?: string }).id === intentId);

  /** Waits for the intent's event of that status (the test's timeout bounds the wait). */
  async function published(intentId: string, status: IntentStatus): Promise<LocalBusEvent> {
    let found: LocalBusEvent | undefined;
    await eventually(async () => {
      found = (await eventsOfIntent(intentId)).find((event) => event['detail-type'] === DETAIL_TYPES[status]);
      return found !== undefined;
    });
    return found as LocalBusEvent;
  }

  /** The event's detail is the intent as GET answers it at that status, plus its stable id. */
  async function expectDetailAsGetAnswers(event: LocalBusEvent, intentId: string, status: IntentStatus) {
    const answer = await api.getIntent(intentId);
    expect(answer.status).toBe(200);
    expect(event.detail).toEqual({ ...answer.body, eventId: intentEventId(intentId, status) });
    expect((event.detail as { eventId: string }).eventId).toMatch(ID_PATTERN);
  }

  async function createdIntent(body: Record<string, unknown> = {}) {
    const answer = await api.createIntent({
      accountId: stack.accountId,
      type: 'quartz-accounts',
      test: true,
      ...body,
    });
    expect(answer.status).toBe(200);
    return answer.body as { id: string; authorizationUrl: string };
  }

  it('publishes Created for a new intent, on the stack bus, its detail what GET answers', async () => {
    const intent = await createdIntent();

    const event = await published(intent.id, 'created');

    expect(event).toMatchObject({ source: INTENT_EVENT_SOURCE, 'detail-type': DETAIL_TYPES.created });
    await expectDetailAsGetAnswers(event, intent.id, 'created');
  });

  it('publishes Authorized when alice connects her accounts, with the Bank Accounts GET shows, and nothing for the steps between', async () => {
    const intent = await createdIntent();
    const redirect = await approveAtBank(intent.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-1', 'acc-alice-3'],
    });
    expect((await api.authorize(intent.id, redirect.code)).status).toBe(200);

    const event = await published(intent.id, 'authorized');

    await expectDetailAsGetAnswers(event, intent.id, 'authorized');
    expect((event.detail as { bankAccountIds?: string[] }).bankAccountIds).toHaveLength(2);
    // The claim and the saved grant were writes to the intent too, before its authorization: in
    // the stream's order, they would show between the two events if they published any.
    expect((await eventsOfIntent(intent.id)).map((published) => published['detail-type'])).toEqual([
      DETAIL_TYPES.created,
      DETAIL_TYPES.authorized,
    ]);
  });

  it('publishes Failed with its failure reason when the user denies at the bank', async () => {
    const intent = await createdIntent();
    const redirect = await approveAtBank(intent.authorizationUrl, { user: 'dan', decision: 'deny' });
    expect((await api.authorize(intent.id, redirect.code)).status).toBe(403);

    const event = await published(intent.id, 'failed');

    await expectDetailAsGetAnswers(event, intent.id, 'failed');
    expect(event.detail).toMatchObject({ status: 'failed', failureReason: 'ACCESS_DENIED' });
  });

  it('publishes Failed with failureReason EXPIRED when an intent expires, written by the sweeper', async () => {
    const intent = await createdIntent();

    // The sweeper's conditional update from created to failed, like any other status change.
    const event = await published(intent.id, 'failed');

    await expectDetailAsGetAnswers(event, intent.id, 'failed');
    expect(event.detail).toMatchObject({ status: 'failed', failureReason: 'EXPIRED' });
    expect((await eventsOfIntent(intent.id)).map((published) => published['detail-type'])).toEqual([
      DETAIL_TYPES.created,
      DETAIL_TYPES.failed,
    ]);
  });

  it('delivers again an event the bus refused: it is published once, and nothing is lost', async () => {
    const before = await localEvents();
    const faults = await fetch(`${eventsUrl()}/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refuseNext: 1 }),
    });
    expect(faults.status).toBe(200);

    const intent = await createdIntent();
    const event = await published(intent.id, 'created');

    // The refused entry is this intent's, or an expiring intent's published meanwhile: either way
    // one entry was refused, delivered again, and this intent's event published once.
    await eventually(async () => (await localEvents()).refused === before.refused + 1);
    const after = await localEvents();
    expect(after.deadLetters).toEqual([]);
    expect(await eventsOfIntent(intent.id)).toHaveLength(1);
    await expectDetailAsGetAnswers(event, intent.id, 'created');
  });

  it('publishes every event again, with the same event ids, when the stream is read again', async () => {
    const before = (await localEvents()).events;
    expect(before.length).toBeGreaterThanOrEqual(5);

    expect((await fetch(`${eventsUrl()}/replay`, { method: 'POST' })).status).toBe(200);

    // Intents expiring meanwhile add events of their own: every earlier one must come again.
    const key = (event: LocalBusEvent) => JSON.stringify([event['detail-type'], event.detail]);
    const again = async () => (await localEvents()).events.slice(before.length);
    await eventually(async () => {
      const keys = new Set((await again()).map(key));
      return before.every((event) => keys.has(key(event)));
    });
    expect((await again()).map(key)).toEqual(expect.arrayContaining(before.map(key)));
    // EventBridge gives every entry an id of its own; consumers deduplicate on the detail's.
    const all = (await localEvents()).events;
    expect(new Set(all.map((event) => event.id)).size).toBe(all.length);
  });
});

describe('the events of intents, on dynalite', () => {
  let stack: RunningStack | undefined;
  afterAll(() => stack?.stop(), STACK_STOP_TIMEOUT_MS);

  it('are not published: the stack names no place to read them', async () => {
    stack = await startStackProcess([], { env: { LOCAL_DYNAMODB_ENGINE: 'dynalite' } });

    expect(stack.dynamoEngine).toBe('dynalite');
    expect(stack.eventsUrl).toBeUndefined();
    expect((await fetch(`${stack.apiUrl}/local/events`)).status).toBe(404);
  });
});
