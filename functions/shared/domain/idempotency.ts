import * as z from 'zod/mini';
import { sha256Hex } from './hashing';
import { idempotencyKeySchema, intentResponseSchema } from './schemas';

/** How long a key is kept (the family's convention): a day from the first request that used it. */
export const IDEMPOTENCY_RETENTION_SECONDS = 24 * 60 * 60;

/**
 * What a key's record says:
 * - `in-progress`: a create holds the key (`claim`) or held it and stopped; `intentId` is the one
 *   intent this key may ever create, so whoever finishes the job creates (or finds) that intent;
 * - `done`: `response` is the answer of the first success, replayed as it was;
 * - `released`: the create failed before it wrote anything; the key is free for any request.
 */
export const IDEMPOTENCY_STATUSES = ['in-progress', 'done', 'released'] as const;
export type IdempotencyStatus = (typeof IDEMPOTENCY_STATUSES)[number];

/** Who runs the create for a key, until `expiresAt` (epoch ms). */
export const idempotencyClaimSchema = z.object({
  id: z.string().check(z.minLength(1)),
  expiresAt: z.number().check(z.int()),
});
export type IdempotencyClaim = z.infer<typeof idempotencyClaimSchema>;

/** One record per (account, idempotency key). */
export const idempotencyRecordSchema = z.object({
  accountId: z.string().check(z.minLength(1)),
  key: idempotencyKeySchema,
  /** SHA-256 of the canonical request (see requestFingerprint): the same key with another request is a 400. */
  requestHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  status: z.enum(IDEMPOTENCY_STATUSES),
  intentId: z.string().check(z.minLength(1)),
  claim: z.optional(idempotencyClaimSchema),
  response: z.optional(intentResponseSchema),
  createdAt: z.iso.datetime({ precision: 3 }),
  /** Epoch seconds after which the record counts as gone (and DynamoDB's time to live removes it). */
  retainedUntil: z.number().check(z.int()),
});
export type IdempotencyRecord = z.infer<typeof idempotencyRecordSchema>;

/** A record counts as gone once its day is over, whether or not DynamoDB has removed it yet. */
export const isRetained = (record: IdempotencyRecord, nowMs: number): boolean =>
  record.retainedUntil * 1_000 > nowMs;

export const retainedUntil = (nowMs: number): number =>
  Math.floor(nowMs / 1_000) + IDEMPOTENCY_RETENTION_SECONDS;

/**
 * The request a key stands for: the SHA-256 of its canonical JSON (keys sorted at every level,
 * absent fields left out), so the same fields in another order are the same request.
 */
export const requestFingerprint = (request: Record<string, unknown>): string =>
  sha256Hex(JSON.stringify(canonical(request)));

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, field]) => [name, canonical(field)]),
  );
}
