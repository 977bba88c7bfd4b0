/**
 * The functions that are not routes: the stack runs them on a schedule, the local stack on an
 * interval. Like the route table, the one place their ids and folders are named.
 */
export interface ScheduledFunction {
  /** Stable name; the CDK construct id, and so the logical id, of its function is `${id}Function`. */
  id: string;
  /** Folder under functions/ whose handler.ts exports `handler`. */
  handlerDir: string;
}

/** Expires the intents whose lifetime is over (docs/expiry.md). */
export const EXPIRY_SWEEPER = {
  id: 'ExpireIntents',
  handlerDir: 'expire-intents',
} as const satisfies ScheduledFunction;
