// The orderings a listing keeps are bounded in bytes, keys included: a page's search text is part of the key, and
// long ones must not pin memory; the most recently used orderings stay.
import { describe, expect, it } from 'vitest';
import { searchCompanyDto } from '../../test/support/search-company-dto.js';
import type { LapseClient, Listing } from '../client/index.js';
import type { ViewQuery } from '../contract/index.js';
import { createPortfolio } from './portfolio.js';

const COMPANIES = ['a1', 'a2', 'a3'].map((id) =>
  searchCompanyDto(id, { licenseEndDate: '2026-03-01T00:00:00.000Z', licenceExpired: true }),
);

const listing: Listing = {
  strategy: { name: 'server-filter', reason: 'the server filters' },
  asOf: '2026-03-10',
  timeZone: 'UTC',
  totalSeen: COMPANIES.length,
  warnings: [],
  companies: COMPANIES,
};

const client = { expired: async () => listing } as Partial<LapseClient> as LapseClient;

const query = (search: string): ViewQuery => ({
  view: 'expired',
  timeZone: 'UTC',
  asOf: '2026-03-10',
  withinDays: 30,
  search,
  reseller: '',
  month: '',
  age: '',
  licenceType: '',
  state: '',
  sort: 'renewalDay',
  ascending: true,
  isListingOrder: false,
  page: 1,
  pageSize: 50,
});

describe('orderings kept per listing', () => {
  it('keeps none whose search text is too long to be worth its bytes', async () => {
    const portfolio = createPortfolio({ client, now: () => Date.parse('2026-03-10T12:00:00Z') });
    const long = 'x'.repeat(20_000);
    const first = await portfolio.viewRows(query(long));
    const again = await portfolio.viewRows(query(long));
    expect(again.rows).toEqual(first.rows);
    expect(again.rows).not.toBe(first.rows);
  });

  it('drops the least recently used first, so one in use stays', async () => {
    const portfolio = createPortfolio({ client, now: () => Date.parse('2026-03-10T12:00:00Z') });
    const kept = await portfolio.viewRows(query('a'));
    for (let other = 0; other < 20; other++) {
      await portfolio.viewRows(query(`other ${other}`));
      expect((await portfolio.viewRows(query('a'))).rows).toBe(kept.rows);
    }
  });
});
