import { createHash } from 'node:crypto';

/** Secrets are only ever stored or compared as their SHA-256. */
export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/**
 * An authorization code (or a decoupled request's id) as an intent stores it, to tell a retry with
 * the same code from another code: the first 128 bits of its SHA-256, base64url (22 characters, a
 * third of the hex form's 64 bytes in an item that must stay under 1 KB). It is only ever compared
 * with the hash of a code presented for the same intent, both codes issued by the bank: telling
 * two such codes apart wrongly takes a second preimage of a 128-bit hash (2^128 work for whoever
 * chooses the second code), and two codes a bank issues collide by chance with odds of 2^-128.
 */
export const codeHash = (code: string): string =>
  createHash('sha256').update(code, 'utf8').digest().subarray(0, 16).toString('base64url');

/** Items written before the short form hold the hex SHA-256: both are recognised. */
const LEGACY_HEX_HASH = /^[0-9a-f]{64}$/;

/** Whether `stored` (the short form, or the hex SHA-256 of an older item) is `code`'s hash. */
export const isCodeHashOf = (stored: string, code: string): boolean =>
  stored === (LEGACY_HEX_HASH.test(stored) ? sha256Hex(code) : codeHash(code));
