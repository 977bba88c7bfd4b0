import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { toLambdaRecord } from '../../../local/lambda-stream-records';

const STREAM_ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-01-01T00:00:00.000';

describe('a Streams API record handed over as Lambda hands it', () => {
  it('carries the stream ARN, the creation time in epoch seconds and binary values in base64', () => {
    const record: _Record = {
      eventID: 'e-1',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2026-11-25T21:36:00.000Z'),
        Keys: { pk: { S: 'INTENT#a' }, sk: { S: 'INTENT' } },
        OldImage: { n: { N: '1' } },
        NewImage: {
          n: { N: '2' },
          b: { B: new Uint8Array([1, 2, 255]) },
          bs: { BS: [new Uint8Array([0])] },
          m: { M: { l: { L: [{ BOOL: true }, { NULL: true }, { SS: ['x'] }, { NS: ['3'] }] } } },
        },
        SequenceNumber: '000000000000000000002',
        SizeBytes: 34,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };

    expect(toLambdaRecord(record, STREAM_ARN)).toEqual({
      eventID: 'e-1',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      eventSourceARN: STREAM_ARN,
      dynamodb: {
        ApproximateCreationDateTime: Date.parse('2026-11-25T21:36:00.000Z') / 1_000,
        Keys: { pk: { S: 'INTENT#a' }, sk: { S: 'INTENT' } },
        OldImage: { n: { N: '1' } },
        NewImage: {
          n: { N: '2' },
          b: { B: Buffer.from([1, 2, 255]).toString('base64') },
          bs: { BS: ['AA=='] },
          m: { M: { l: { L: [{ BOOL: true }, { NULL: true }, { SS: ['x'] }, { NS: ['3'] }] } } },
        },
        SequenceNumber: '000000000000000000002',
        SizeBytes: 34,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  });
});
