export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** ISO 8601 in UTC with milliseconds, the contract's timestamp format. */
export const timestamp = (clock: Clock): string => clock.now().toISOString();
