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

withJava('the events of intents, on DynamoDB Local', () => {
  let stack: RunningStack;
  let api: ServiceClient;
  beforeAll(async () => {
    stack = await startStackProcess([], { env: { LOCAL_DYNAMODB_ENGINE: 'dynamodb-local' } });
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

  // Expiry: an intent still `created` when its lifetime ends is failed with failureReason EXPIRED by
  // a conditional update like any other, so its event needs nothing of its own here. Once expiry is
  // in, add here: create an intent whose lifetime ends within the test, wait for
  // `published(intent.id, 'failed')`, and check it with expectDetailAsGetAnswers and
  // `failureReason: 'EXPIRED'` (the mapping of such a record is already unit-tested in
  // test/unit/domain/intent-events.test.ts).

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

    const after = await localEvents();
    expect(after.refused).toBe(before.refused + 1);
    expect(after.deadLetters).toEqual([]);
    expect(await eventsOfIntent(intent.id)).toHaveLength(1);
    await expectDetailAsGetAnswers(event, intent.id, 'created');
  });

  it('publishes every event again, with the same event ids, when the stream is read again', async () => {
    const before = (await localEvents()).events;
    expect(before.length).toBeGreaterThanOrEqual(5);

    expect((await fetch(`${eventsUrl()}/replay`, { method: 'POST' })).status).toBe(200);

    await eventually(async () => (await localEvents()).events.length >= 2 * before.length);
    const again = (await localEvents()).events.slice(before.length);
    const key = (event: LocalBusEvent) => JSON.stringify([event['detail-type'], event.detail]);
    expect(again.map(key).sort()).toEqual(before.map(key).sort());
    // EventBridge gives every entry an id of its own; consumers deduplicate on the detail's.
    const envelopeIds = new Set([...before, ...again].map((event) => event.id));
    expect(envelopeIds.size).toBe(before.length + again.length);
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
