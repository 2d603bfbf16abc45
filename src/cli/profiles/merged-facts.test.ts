import { describe, expect, it } from 'vitest';
import type { FileFacts } from '../output/index.js';
import { mergedFactsOf } from './merged-facts.js';

const facts = (overrides: Partial<FileFacts>): FileFacts => ({
  listing: 'expired by reseller',
  asOf: '2026-03-10',
  timeZone: 'UTC',
  scope: 'every company the credential sees',
  companyId: null,
  filter: {},
  server: 'https://a.example.com',
  strategy: { name: 'clustered', reason: 'the server groups' },
  rows: 3,
  matched: 10,
  columns: ['Group'],
  lapseVersion: '1.0.0',
  generatedAt: '2026-03-10T12:00:00.000Z',
  ...overrides,
});

describe('the facts of a file merged from several profiles', () => {
  it('says a shared fact once, the others and each share under its profile, in the order named', () => {
    const file = { rows: 8, matched: 25, columns: ['Profile', 'Group'], generatedAt: '2026-03-10T12:00:01.000Z' };
    const merged = mergedFactsOf(
      [
        { profile: 'us', facts: facts({}) },
        { profile: 'eu', facts: facts({ server: 'https://b.example.com', timeZone: 'Europe/Berlin', matched: 15 }) },
        { profile: 'old', error: new Error('the credential was refused') },
      ],
      file,
    );
    expect(merged).toEqual({
      listing: 'expired by reseller',
      asOf: '2026-03-10',
      scope: 'every company the credential sees',
      companyId: null,
      filter: {},
      strategy: { name: 'clustered', reason: 'the server groups' },
      lapseVersion: '1.0.0',
      ...file,
      profiles: [
        { profile: 'us', timeZone: 'UTC', server: 'https://a.example.com', rows: 3, matched: 10 },
        { profile: 'eu', timeZone: 'Europe/Berlin', server: 'https://b.example.com', rows: 3, matched: 15 },
        { profile: 'old', error: 'the credential was refused' },
      ],
    });
    expect(Object.keys(merged).slice(0, 3)).toEqual(['listing', 'asOf', 'scope']);
  });

  it('keeps a fact only a later profile gives, under that profile', () => {
    const file = { rows: 6, matched: 20, columns: ['Profile', 'Group'], generatedAt: '2026-03-10T12:00:01.000Z' };
    const policy = { leadDays: [30, 7] };
    const merged = mergedFactsOf(
      [
        { profile: 'us', facts: facts({}) },
        { profile: 'eu', facts: facts({ policy }) },
      ],
      file,
    );
    expect(merged).not.toHaveProperty('policy');
    expect(merged.profiles).toEqual([
      { profile: 'us', rows: 3, matched: 10, policy: undefined },
      { profile: 'eu', rows: 3, matched: 10, policy },
    ]);
  });
});
