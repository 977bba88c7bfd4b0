import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { intentEventOf } from '../../../functions/shared/domain/intent-events';
import { EventBridgeBus } from '../../../functions/shared/events/event-bridge-bus';
import { createEventBridgeClient } from '../../../functions/shared/events/publisher-services';
import { type LocalEventBus, startLocalEventBus } from '../../../local/local-event-bus';
import { intent } from '../../support/fixtures';

// The publisher's own adapter and SDK client against the local stack's bus, over loopback HTTP.
let bus: LocalEventBus;
let printed: string[];
const client = () => createEventBridgeClient({ AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint });
beforeEach(async () => {
  printed = [];
  bus = await startLocalEventBus({ name: 'local-bus', print: (line) => printed.push(line) });
});
afterEach(() => bus.close());

const eventOf = (id: string) => {
  const event = intentEventOf({ after: intent({ id }) });
  if (!event) throw new Error('a new intent has an event');
  return event;
};
const FIRST = eventOf('1111111111111111111111');
const SECOND = eventOf('2222222222222222222222');

describe('the local event bus', () => {
  it('takes what the EventBridge adapter puts, as EventBridge hands it to a target, one printed line each', async () => {
    const adapter = new EventBridgeBus({ client: client(), eventBusName: 'local-bus' });

    const outcomes = await adapter.publish([FIRST, SECOND]);

    expect(outcomes).toEqual([{ published: true }, { published: true }]);
    expect(bus.events()).toEqual([
      {
        version: '0',
        id: expect.any(String),
        'detail-type': 'Bank Account Connection Intent Created',
        source: 'bank-account-connection-intents',
        account: '000000000000',
        time: FIRST.time.replace(/\.\d{3}Z$/, 'Z'),
        region: 'local',
        resources: [],
        detail: FIRST.detail,
      },
      expect.objectContaining({ detail: SECOND.detail }),
    ]);
    expect(printed).toEqual(bus.events().map((event) => `event ${JSON.stringify(event)}`));
  });

  it('refuses the entries its faults switch names, and the adapter tells them unpublished', async () => {
    const adapter = new EventBridgeBus({ client: client(), eventBusName: 'local-bus' });
    bus.refuseNext(1);

    const outcomes = await adapter.publish([FIRST, SECOND]);

    expect(outcomes).toEqual([{ published: false, reason: 'InternalFailure' }, { published: true }]);
    expect(bus.refused()).toBe(1);
    expect(bus.events().map((event) => event.detail)).toEqual([SECOND.detail]);
  });

  it('refuses an entry for another bus, as EventBridge does', async () => {
    const adapter = new EventBridgeBus({ client: client(), eventBusName: 'another-bus' });

    expect(await adapter.publish([FIRST])).toEqual([
      { published: false, reason: 'ResourceNotFoundException' },
    ]);
    expect(bus.events()).toEqual([]);
  });

  it('answers with the count of refused entries, as PutEvents does', async () => {
    bus.refuseNext(1);

    const answer = await client().send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'local-bus', Source: 's', DetailType: 'd', Detail: '{}' },
          { EventBusName: 'local-bus', Source: 's', DetailType: 'd', Detail: '[1]' },
          { EventBusName: 'local-bus', Source: 's', DetailType: 'd', Detail: '{"a":1}' },
        ],
      }),
    );

    expect(answer.FailedEntryCount).toBe(2);
    expect(answer.Entries?.map((entry) => entry.ErrorCode ?? 'taken')).toEqual([
      'InternalFailure',
      'MalformedDetail',
      'taken',
    ]);
  });
});
