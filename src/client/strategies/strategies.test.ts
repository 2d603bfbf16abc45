// The engine's choices against an in-memory search that behaves like vendor servers our own server never
// imitates (nulls sorted last, rows vanishing mid-listing, a smaller page-size limit). End-to-end runs against
// the real server through the fault proxy live in test/client-*.test.ts.
import { describe, expect, it } from 'vitest';
import type { SearchBody, SearchCompanyDto, SearchPage } from '../../contract/index.js';
import { ValidationError } from '../errors.js';
import type { SearchPageFn } from '../paginate.js';
import { createLicenceListings } from './index.js';

function company(index: number, renewalDay: string | null, extra: Partial<SearchCompanyDto> = {}): SearchCompanyDto {
  return {
    companyResourceId: `Company${String(index).padStart(5, '0')}`,
    companyName: `Company ${String(index).padStart(3, '0')}`,
    resellerName: 'Reseller',
    industryName: null,
    industryResourceId: null,
    licenseTypeName: null,
    licenseTypeResourceId: null,
    isNumberOfUsersLimited: false,
    numberOfUsers: '0',
    licenceExpired: false,
    licenseEndDate: renewalDay === null ? null : `${renewalDay}T12:00:00.000Z`,
    createTime: '2024-01-01T00:00:00.000Z',
    targetUserCount: 0,
    inactiveTargetUserCount: 0,
    deletedTargetUserCount: 0,
    monthlyActiveUserCount: 0,
    tags: [],
    privacyDurationId: 1,
    children: null,
    ...extra,
  };
}

interface VendorBehaviour {
  filter: 'works' | 'rejected' | 'ignored';
  nulls: 'first' | 'last';
  maxPageSize?: number;
  /** Called before each request: may change the data (rows deleted mid-listing). */
  beforeRequest?: (data: SearchCompanyDto[], requestNumber: number) => void;
}

function simulateVendor(initial: SearchCompanyDto[], behaviour: VendorBehaviour) {
  const data = [...initial];
  const requests: SearchBody[] = [];
  const search: SearchPageFn = async (body) => {
    behaviour.beforeRequest?.(data, requests.length);
    requests.push(body);
    if (behaviour.maxPageSize !== undefined && body.pageSize > behaviour.maxPageSize) {
      throw new ValidationError('Invalid request', {
        validationMessages: [`pageSize: at most ${behaviour.maxPageSize}`],
      });
    }
    const items = body.filter?.FilterGroups?.flatMap((group) => group.FilterItems ?? []) ?? [];
    if (items.length > 0 && behaviour.filter === 'rejected') {
      throw new ValidationError('Invalid request', {
        validationMessages: ['filter: LicenseEndDate is not filterable'],
      });
    }
    let rows = data.filter((row) => {
      if (behaviour.filter !== 'works') return true;
      const day = row.licenseEndDate?.slice(0, 10);
      return items.every((item) =>
        day === undefined
          ? false
          : item.Operator === '<'
            ? day < item.Value
            : item.Operator === '>='
              ? day >= item.Value
              : true,
      );
    });
    if (body.orderBy === 'LicenseEndDate') {
      const key = (row: SearchCompanyDto) => row.licenseEndDate ?? (behaviour.nulls === 'first' ? '' : '\uffff');
      rows = [...rows].sort(
        (a, b) => key(a).localeCompare(key(b)) || a.companyResourceId.localeCompare(b.companyResourceId),
      );
    }
    const start = (body.pageNumber - 1) * body.pageSize;
    const page: SearchPage = {
      pageNumber: body.pageNumber,
      pageSize: body.pageSize,
      totalNumberOfRecords: rows.length,
      totalNumberOfPages: Math.ceil(rows.length / body.pageSize),
      limitExceededCompanyCount: 0,
      results: rows.slice(start, start + body.pageSize),
    };
    return page;
  };
  return { search, requests, data };
}

const NOW = () => Date.parse('2026-03-10T12:00:00Z');
const ids = (companies: SearchCompanyDto[]) => companies.map((c) => c.companyResourceId).sort();

// 40 companies: renewal days spread over Feb–Apr 2026, every fifth open-ended.
const COMPANIES = Array.from({ length: 40 }, (_, i) =>
  company(
    i,
    i % 5 === 0
      ? null
      : `2026-${i % 3 === 0 ? '02' : i % 3 === 1 ? '03' : '04'}-${String((i % 28) + 1).padStart(2, '0')}`,
  ),
);
const expectedExpired = ids(
  COMPANIES.filter((c) => c.licenseEndDate !== null && c.licenseEndDate.slice(0, 10) < '2026-03-10'),
);

describe('expired()', () => {
  it('uses the server filter when it works, and says so', async () => {
    const vendor = simulateVendor(COMPANIES, { filter: 'works', nulls: 'first' });
    const listing = await createLicenceListings(vendor.search, NOW).expired({ pageSize: 5 });
    expect(ids(listing.companies)).toEqual(expectedExpired);
    expect(listing.strategy.name).toBe('server-filter');
    expect(listing.asOf).toBe('2026-03-10');
    expect(vendor.requests).toHaveLength(Math.ceil(expectedExpired.length / 5));
  });

  it('switches to an ordered scan when the server ignores the filter, keeping no wrong row', async () => {
    const vendor = simulateVendor(COMPANIES, { filter: 'ignored', nulls: 'first' });
    const listing = await createLicenceListings(vendor.search, NOW).expired({ pageSize: 5 });
    expect(ids(listing.companies)).toEqual(expectedExpired);
    expect(listing.strategy.name).toBe('ordered-scan');
    expect(listing.strategy.reason).toContain('ignored the filter');
  });

  it('never stops on a null when the server sorts nulls last, and stops early after the day', async () => {
    const vendor = simulateVendor(COMPANIES, { filter: 'rejected', nulls: 'last' });
    const listing = await createLicenceListings(vendor.search, NOW).expired({ pageSize: 5 });
    expect(ids(listing.companies)).toEqual(expectedExpired);
    expect(listing.strategy.name).toBe('ordered-scan');
    const orderedRequests = vendor.requests.filter((body) => body.orderBy === 'LicenseEndDate');
    expect(orderedRequests.length).toBeLessThan(Math.ceil(COMPANIES.length / 5));
  });

  it('reads to the end with nulls last when every dated licence has expired', async () => {
    const dated = COMPANIES.map((c, i) => (c.licenseEndDate === null ? c : company(i, '2026-01-15')));
    const vendor = simulateVendor(dated, { filter: 'rejected', nulls: 'last' });
    const listing = await createLicenceListings(vendor.search, NOW).expired({ pageSize: 7 });
    expect(listing.companies).toHaveLength(dated.filter((c) => c.licenseEndDate !== null).length);
    expect(listing.strategy.reason).toContain('sorted last');
  });

  it('keeps every row when rows vanish mid-listing, and warns', async () => {
    const vendor = simulateVendor(COMPANIES, {
      filter: 'rejected',
      nulls: 'first',
      // After the second ordered page, two rows already read disappear: offset paging would skip two rows.
      beforeRequest: (data, n) => {
        if (n === 3) data.splice(0, 2);
      },
    });
    const survivors = new Set(COMPANIES.slice(2).map((c) => c.companyResourceId));
    const listing = await createLicenceListings(vendor.search, NOW).expired({ pageSize: 5 });
    const found = new Set(ids(listing.companies));
    for (const id of expectedExpired) if (survivors.has(id)) expect(found.has(id)).toBe(true);
    expect(listing.warnings.join('\n')).toContain('changed during the listing');
  });

  it('halves the page size when the server refuses it', async () => {
    const vendor = simulateVendor(COMPANIES, { filter: 'works', nulls: 'first', maxPageSize: 8 });
    const listing = await createLicenceListings(vendor.search, NOW).expired({ pageSize: 30 });
    expect(ids(listing.companies)).toEqual(expectedExpired);
    expect(vendor.requests.map((body) => body.pageSize).slice(0, 3)).toEqual([30, 15, 7]);
  });

  it('evaluates "today" in the requested time zone', async () => {
    const vendor = simulateVendor(COMPANIES, { filter: 'works', nulls: 'first' });
    const lateEvening = () => Date.parse('2026-03-10T20:00:00Z');
    const auckland = await createLicenceListings(vendor.search, lateEvening).expired({ timeZone: 'Pacific/Auckland' });
    const losAngeles = await createLicenceListings(vendor.search, lateEvening).expired({
      timeZone: 'America/Los_Angeles',
    });
    expect(auckland.asOf).toBe('2026-03-11');
    expect(losAngeles.asOf).toBe('2026-03-10');
  });
});

describe('renewing()', () => {
  it('keeps renewal days from D through D + N, both included', async () => {
    const edge = [
      company(1, '2026-03-09'),
      company(2, '2026-03-10'),
      company(3, '2026-04-09'),
      company(4, '2026-04-10'),
    ];
    for (const filter of ['works', 'rejected'] as const) {
      const vendor = simulateVendor(edge, { filter, nulls: 'first' });
      const listing = await createLicenceListings(vendor.search, NOW).renewing({ withinDays: 30 });
      expect(ids(listing.companies)).toEqual(['Company00002', 'Company00003']);
    }
  });
});

describe('exceedingLimit()', () => {
  it('falls back to a full scan when the server ignores isTargetUserCountExceededLimit', async () => {
    const rows = [
      company(1, null, { isNumberOfUsersLimited: true, numberOfUsers: '10', targetUserCount: 11 }),
      company(2, null, { isNumberOfUsersLimited: true, numberOfUsers: '10', targetUserCount: 10 }),
      company(3, null, { isNumberOfUsersLimited: false, numberOfUsers: '0', targetUserCount: 99 }),
    ];
    const vendor = simulateVendor(rows, { filter: 'works', nulls: 'first' });
    const listing = await createLicenceListings(vendor.search, NOW).exceedingLimit();
    expect(ids(listing.companies)).toEqual(['Company00001']);
    expect(listing.strategy.name).toBe('full-scan');
  });
});
