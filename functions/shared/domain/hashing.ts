import { createHash } from 'node:crypto';

/** Secrets and authorization codes are only ever stored or compared as their SHA-256. */
export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
