import { PUT_EVENTS_MAX_ENTRIES } from '../../../functions/shared/events/event-bridge-bus';
import { STREAM_MAPPING } from '../../../functions/shared/events/stream-mapping';
import { PUBLISHER_BUDGET } from '../../../functions/shared/time-budget';

/** The publisher's timings derive from one budget too; these relations keep it inside its timeout. */
describe('the time budget of the publisher', () => {
  const budget = PUBLISHER_BUDGET;

  it('keeps back, before each PutEvents request, the time all its attempts may take', () => {
    expect(budget.putEventsReserveMs).toBeGreaterThanOrEqual(
      budget.putEventsMaxAttempts * budget.putEventsAttemptTimeoutMs,
    );
  });

  it('publishes a full batch of status changes even when every request takes all its attempts', () => {
    const requestsOfAFullBatch = Math.ceil(STREAM_MAPPING.batchSize / PUT_EVENTS_MAX_ENTRIES);
    expect(budget.functionTimeoutMs).toBeGreaterThanOrEqual(requestsOfAFullBatch * budget.putEventsReserveMs);
  });

  it('gives up on a change long before the stream drops it', () => {
    expect(budget.maxRecordAgeMs).toBeLessThan(budget.streamRetentionMs);
    expect(budget.streamRetentionMs - budget.maxRecordAgeMs).toBeGreaterThanOrEqual(12 * 3_600_000);
  });
});
