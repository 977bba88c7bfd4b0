/**
 * How many whole seconds a `Retry-After` header asks a client to wait (RFC 9110 §10.2.3: a number
 * of seconds, or an HTTP date). Undefined when the header is absent or reads as neither, so the
 * caller decides what no advice means; a date in the past is no wait at all.
 */
export function retryAfterSeconds(header: string | null | undefined, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  // Only the date form holds letters; Date.parse alone would read "5.5" or "-1" as dates.
  if (!/[A-Za-z]/.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}
