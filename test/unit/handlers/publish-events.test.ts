import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { buildHandler } from '../../../functions/publish-events/handler';
import { intentEventId } from '../../../functions/shared/domain/intent-events';
import { toIntentView } from '../../../functions/shared/domain/intent-view';
import type { ConnectionIntent } from '../../../functions/shared/domain/schemas';
import { EventBridgeBus } from '../../../functions/shared/events/event-bridge-bus';
import { apiKey, apiKeyItem, intent, lambdaContext } from '../../support/fixtures';
import { intentRecord, storedIntent, streamEvent, streamRecord } from '../../support/stream-records';

const BUS = 'intents-events';
const eventBridge = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ region: 'ap-southeast-2' });
const handler = buildHandler({ bus: () => new EventBridgeBus({ client, eventBusName: BUS }) });
const invoke = (records: DynamoDBRecord[], context: Context = lambdaContext()) =>
  handler(streamEvent(records), context);

const sentEntries = (): PutEventsRequestEntry[] =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
const sequenceOf = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? '';

/** PutEvents' answer: 200, with an EventId per entry taken and an ErrorCode per entry refused. */
function answerRefusing(refused: (entry: PutEventsRequestEntry) => boolean) {
  eventBridge.on(PutEventsCommand).callsFake(({ Entries = [] }: { Entries?: PutEventsRequestEntry[] }) => {
    const answers = Entries.map((entry, index) =>
      refused(entry)
        ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Service Failure' }
        : { EventId: `eb-${index}` },
    );
    return { FailedEntryCount: answers.filter((answer) => 'ErrorCode' in answer).length, Entries: answers };
  });
}

const authorizedLater = (from: ConnectionIntent): ConnectionIntent => ({
  ...from,
  status: 'authorized',
  updatedAt: '2022-03-31T02:58:01.250Z',
  oauth: undefined,
  authorizedCodeHash: 'h',
  bankAccountIds: ['Bnk1111111111111111111'],
});
const first = intent();
const second = intent({ id: '4LWkvLX3DaDKfKqQyAmY8Z' });

beforeEach(() => {
  eventBridge.reset();
  answerRefusing(() => false);
});

describe('the publisher', () => {
  it('puts one entry per status change on the bus, its detail the intent as GET answers it', async () => {
    const records = [intentRecord(undefined, first), intentRecord(first, authorizedLater(first))];

    const response = await invoke(records);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sentEntries()).toEqual([
      {
        EventBusName: BUS,
        Source: 'bank-account-connection-intents',
        DetailType: 'Bank Account Connection Intent Created',
        Detail: JSON.stringify({ ...toIntentView(first), eventId: intentEventId(first.id, 'created') }),
        Time: new Date(first.updatedAt),
      },
      {
        EventBusName: BUS,
        Source: 'bank-account-connection-intents',
        DetailType: 'Bank Account Connection Intent Authorized',
        Detail: JSON.stringify({
          ...toIntentView(authorizedLater(first)),
          eventId: intentEventId(first.id, 'authorized'),
        }),
        Time: new Date('2022-03-31T02:58:01.250Z'),
      },
    ]);
  });

  it('calls the bus not at all for a batch without status changes', async () => {
    const key = apiKeyItem(apiKey({ secret: 'secret-0123456789' }));
    const claimed = { ...first, claim: { id: 'c', codeHash: 'h', expiresAt: 1 } };

    const response = await invoke([streamRecord(undefined, key), intentRecord(first, claimed)]);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('hands back, from the entry PutEvents refused, every record after it (FailedEntryCount)', async () => {
    answerRefusing((entry) => entry.Detail?.includes(second.id) === true);
    const records = [
      intentRecord(undefined, first),
      intentRecord(undefined, second),
      streamRecord(undefined, apiKeyItem(apiKey({ secret: 'secret-0123456789' }))),
      intentRecord(first, authorizedLater(first)),
    ];

    const response = await invoke(records);

    expect(response.batchItemFailures).toEqual(
      records.slice(1).map((r) => ({ itemIdentifier: sequenceOf(r) })),
    );
    // The first intent's authorization waits for the refused creation before it: it was not sent.
    expect(sentEntries().map((entry) => entry.DetailType)).toEqual([
      'Bank Account Connection Intent Created',
      'Bank Account Connection Intent Created',
    ]);
  });

  it('hands back the whole batch when PutEvents fails outright', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const records = [intentRecord(undefined, first), intentRecord(undefined, second)];

    const response = await invoke(records);

    expect(response.batchItemFailures).toEqual(records.map((r) => ({ itemIdentifier: sequenceOf(r) })));
  });

  it('publishes a batch delivered again with the same entries, event ids included', async () => {
    const records = [intentRecord(undefined, first), intentRecord(first, authorizedLater(first))];

    await invoke(records);
    await invoke(records);

    const [once, again] = [sentEntries().slice(0, 2), sentEntries().slice(2)];
    expect(again).toEqual(once);
    expect(new Set(once.map((entry) => JSON.parse(entry.Detail ?? '{}').eventId)).size).toBe(2);
  });

  it('hands back an intent record it cannot read and everything after it, having published what came before', async () => {
    const unreadable = streamRecord(undefined, { ...storedIntent(second), status: 'lost' });
    const records = [intentRecord(undefined, first), unreadable, intentRecord(first, authorizedLater(first))];

    const response = await invoke(records);

    expect(response.batchItemFailures).toEqual(
      records.slice(1).map((r) => ({ itemIdentifier: sequenceOf(r) })),
    );
    expect(sentEntries()).toHaveLength(1);
  });

  it('hands back the records it has no time left to publish, rather than running into its timeout', async () => {
    const records = [intentRecord(undefined, first)];
    const almostOut = { ...lambdaContext(), getRemainingTimeInMillis: () => 1_000 } as Context;

    const response = await invoke(records, almostOut);

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: sequenceOf(records[0] as DynamoDBRecord) },
    ]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
