import { billedMs, costOf, meanBilledMs } from '../../../scripts/bench/cost';
import { indexWriteUnits, itemBytes, numberBytes } from '../../../scripts/bench/item-size';
import { PRICES } from '../../../scripts/bench/prices';
import { mean, percentile, ratio, summarize } from '../../../scripts/bench/statistics';
import {
  createOnWarmContainerTarget,
  rateLimitTarget,
  ratioTarget,
  updatedItemSizeTarget,
} from '../../../scripts/bench/targets';

describe('the statistics of a run', () => {
  it('takes percentiles by nearest rank, always a measured value', () => {
    // Arrange
    const samples = Array.from({ length: 200 }, (_, index) => 200 - index);

    // Act
    const summary = summarize(samples);

    // Assert
    expect(summary).toEqual({ count: 200, mean: 100.5, p50: 100, p90: 180, p99: 198, min: 1, max: 200 });
    expect(percentile([7, 3, 5], 50)).toBe(5);
    expect(percentile([4, 1], 50)).toBe(1);
    expect(Number.isNaN(mean([]))).toBe(true);
    expect(ratio(3, 2)).toBe(1.5);
    expect(Number.isNaN(ratio(3, 0))).toBe(true);
  });
});

describe('the cost arithmetic', () => {
  it('rounds each invocation up to the millisecond Lambda bills', () => {
    expect([billedMs(0.2), billedMs(4), billedMs(4.01)]).toEqual([1, 4, 5]);
    expect(meanBilledMs([1.5, 2.5])).toBe(2.5);
  });

  it('prices requests, GB-seconds and request units', () => {
    // Arrange: one request of 100 ms at 1 GB on arm64, one read unit and two write units
    const operation = {
      billedMs: 100,
      memoryMb: 1_024,
      architecture: 'arm64',
      readUnits: 1,
      writeUnits: 2,
    } as const;

    // Act
    const cost = costOf([operation], 1_000, PRICES);

    // Assert
    expect(cost.apiGateway).toBeCloseTo(0.0035, 10);
    expect(cost.lambdaRequests).toBeCloseTo(0.0002, 10);
    expect(cost.lambdaDuration).toBeCloseTo(0.1 * 0.0000133334 * 1_000, 10);
    expect(cost.dynamoDbReads).toBeCloseTo(0.000125, 10);
    expect(cost.dynamoDbWrites).toBeCloseTo(0.00125, 10);
    expect(cost.total).toBeCloseTo(0.0035 + 0.0002 + 0.00133334 + 0.000125 + 0.00125, 10);
  });
});

describe('the targets', () => {
  it('meets a ratio target at its limit and not above it', () => {
    expect(ratioTarget('warmP50Ms', 'GetIntent', 11.5, 10).met).toBe(true);
    expect(ratioTarget('warmP50Ms', 'GetIntent', 11.6, 10).met).toBe(false);
    expect(ratioTarget('firstInvocationMs', 'GetIntent', 13, 10).met).toBe(true);
    expect(ratioTarget('bundleBytes', 'GetIntent', 1, 0).met).toBe(false);
  });

  it('wants every warm create to make one write and no read', () => {
    expect(createOnWarmContainerTarget([{ reads: 0, writes: 1 }]).met).toBe(true);
    expect(
      createOnWarmContainerTarget([
        { reads: 0, writes: 1 },
        { reads: 1, writes: 1 },
      ]).met,
    ).toBe(false);
    expect(createOnWarmContainerTarget([{ reads: 0, writes: 2 }]).met).toBe(false);
    expect(createOnWarmContainerTarget([]).met).toBe(false);
  });

  it('averages the rate limit over requests and keeps updated items under 1 KB', () => {
    expect(rateLimitTarget(10, 100).met).toBe(true);
    expect(rateLimitTarget(11, 100).met).toBe(false);
    expect(updatedItemSizeTarget('AuthorizeIntent', 1_023).met).toBe(true);
    expect(updatedItemSizeTarget('AuthorizeIntent', 1_024).met).toBe(false);
    expect(updatedItemSizeTarget('GetIntent', undefined).met).toBe(true);
  });
});

describe('item sizes and index writes', () => {
  const index = {
    IndexName: 'gsi2',
    KeySchema: [{ AttributeName: 'gsi2pk' }, { AttributeName: 'gsi2sk' }],
    Projection: { ProjectionType: 'KEYS_ONLY' },
  };
  const keys = ['pk', 'sk'];
  const open = {
    pk: { S: 'INTENT#1' },
    sk: { S: 'INTENT' },
    gsi2pk: { S: 'EXPIRING#0' },
    gsi2sk: { S: 'a' },
  };

  it('sizes items as DynamoDB documents them', () => {
    expect(numberBytes('-0012.3400')).toBe(3);
    expect(
      itemBytes({
        ab: { S: 'héllo' },
        n: { N: '12' },
        l: { L: [{ BOOL: true }] },
        m: { M: { k: { NULL: true } } },
      }),
    ).toBe(2 + 6 + 1 + 2 + 1 + (3 + 1 + 1) + 1 + (3 + 1 + 1 + 1));
  });

  it('charges an index for putting an item in, taking it out, or moving it', () => {
    const { gsi2pk: _pk, gsi2sk: _sk, ...closed } = open;
    expect(indexWriteUnits(index, keys, undefined, open)).toBe(1);
    expect(indexWriteUnits(index, keys, open, closed)).toBe(1);
    expect(indexWriteUnits(index, keys, open, { ...open, gsi2sk: { S: 'b' } })).toBe(2);
    expect(indexWriteUnits(index, keys, open, { ...open, status: { S: 'x' } })).toBe(0);
    expect(indexWriteUnits(index, keys, closed, { ...closed, status: { S: 'x' } })).toBe(0);
  });
});
