// A generated key's id is typed on command lines (`lapse admin keys revoke KID`): it must never read as an option.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../db/storage.js';
import { insertGeneratedKey } from './signing-key-rows.js';

let storage: Storage;

beforeAll(async () => {
  storage = await openStorage(':memory:');
});

afterAll(async () => {
  await storage.close();
});

describe('generated signing keys', () => {
  it('have ids that start with a letter or digit, all different', async () => {
    const kids: string[] = [];
    // With base64url ids, 2 in 64 begin with `-` or `_`: 400 keys show one with near certainty.
    for (let index = 0; index < 400; index++) kids.push(await insertGeneratedKey(storage.db, index));
    expect(kids.filter((kid) => !/^[A-Za-z0-9]/.test(kid))).toEqual([]);
    expect(new Set(kids).size).toBe(kids.length);
  });
});
