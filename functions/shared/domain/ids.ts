import { createHash, randomBytes } from 'node:crypto';

// Bitcoin's base58 alphabet: no 0/O/I/l, so ids survive being read aloud or copied by hand.
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const ID_LENGTH = 22; // 58^22 ≈ 2^128.9: at least 128 bits of entropy, as the contract asks.
// The largest multiple of 58 that fits in a byte: bytes at or above it are dropped so every
// character is equally likely (a plain `byte % 58` would favour the first characters).
const UNBIASED_LIMIT = 58 * 4;

export const ID_PATTERN = /^[1-9A-HJ-NP-Za-km-z]{22}$/;

export function newId(length = ID_LENGTH): string {
  let id = '';
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_LIMIT) id += BASE58[byte % 58];
      if (id.length === length) break;
    }
  }
  return id;
}

/**
 * An id in the same alphabet and length, derived from `seed` rather than drawn: the same seed always
 * gives the same id (SHA-256, read as a number, in base58). For ids that must come out the same
 * each time something is worked out again, such as the id of an event published more than once.
 */
export function derivedId(seed: string): string {
  let value = BigInt(`0x${createHash('sha256').update(seed, 'utf8').digest('hex')}`);
  let id = '';
  while (id.length < ID_LENGTH) {
    id += BASE58[Number(value % 58n)];
    value /= 58n;
  }
  return id;
}
