import { retryAfterSeconds } from '../../../local/retry-after';

const NOW = Date.parse('2026-11-25T10:00:00.000Z');

describe('Retry-After, read as seconds to wait', () => {
  it.each([
    ['5', 5],
    [' 12 ', 12],
    ['0', 0],
  ])('reads delay-seconds %p as %p', (header, seconds) => {
    expect(retryAfterSeconds(header, NOW)).toBe(seconds);
  });

  it('reads an HTTP date as the whole seconds until it, rounded up', () => {
    expect(retryAfterSeconds('Wed, 25 Nov 2026 10:00:07 GMT', NOW - 500)).toBe(8);
  });

  it('reads a date in the past as no wait', () => {
    expect(retryAfterSeconds('Wed, 25 Nov 2026 09:59:00 GMT', NOW)).toBe(0);
  });

  it.each([null, undefined, '', '-1', '5.5', '1e3', 'soon'])('has no advice in %p', (header) => {
    expect(retryAfterSeconds(header, NOW)).toBeUndefined();
  });
});
