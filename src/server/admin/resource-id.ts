// contract §3: company (and catalogue) resource ids are opaque 12-character strings [A-Za-z0-9]{12}.
import { randomBytes } from 'node:crypto';

export const RESOURCE_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const RESOURCE_ID_LENGTH = 12;

/**
 * An id from 32-bit random numbers, four characters from each (62^4 < 2^32; the modulo bias, under 0.4%, does
 * not matter for an opaque id). Crypto feeds it for new records, the seed's PRNG for seeded ones.
 */
export function composeResourceId(nextUint32: () => number): string {
  const codes = new Array<number>(RESOURCE_ID_LENGTH);
  const base = RESOURCE_ID_ALPHABET.length;
  for (let i = 0; i < RESOURCE_ID_LENGTH; i += 4) {
    let bits = nextUint32();
    for (let j = i; j < i + 4; j++) {
      codes[j] = RESOURCE_ID_ALPHABET.charCodeAt(bits % base);
      bits = Math.floor(bits / base);
    }
  }
  // One flat string (not a rope of concatenations): a million of them sit in the seed's uniqueness set.
  return String.fromCharCode(...codes);
}

export function randomResourceId(): string {
  const words = randomBytes(12);
  let index = 0;
  return composeResourceId(() => words.readUInt32LE(4 * index++));
}
