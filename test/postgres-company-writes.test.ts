// contract §10: a write takes effect on every server instance at once. Two instances on one PostgreSQL database:
// a renewal through one leaves the expired search of both, and both search and export show the new date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompanyDto, companyWriteBodyOf, type SearchPage, type ServiceResult } from '../src/contract/index.js';
import { callApi, checkedBytes, fetchToken, searchBody } from './support/api.js';
import { PINNED_TODAY_START_MS, pinnedClock } from './support/pinned-clock.js';
import { type OtherInstance, startOtherInstance, startTestServer, type TestServer } from './support/test-server.js';

const EXPIRED = {
  FilterGroups: [{ FilterItems: [{ FieldName: 'LicenceExpired', Operator: '=', Value: 'true' }] }],
};

describe('a renewal on one PostgreSQL instance, seen by another', () => {
  let first: TestServer;
  let second: OtherInstance;
  let secondUrl: string;

  beforeAll(async () => {
    first = await startTestServer({ kind: 'postgres', companies: 150, ...pinnedClock });
    second = await startOtherInstance(first, { now: pinnedClock.now });
    secondUrl = second.baseUrl;
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('leaves the expired search of both, and both search and export show the new renewal date', async () => {
    const token = await fetchToken(first.baseUrl, first.credentials.reseller);
    const expiredOn = async (baseUrl: string) => {
      const page = await callApi<ServiceResult<SearchPage>>(baseUrl, '/api/companies/search', {
        token,
        body: searchBody({ pageSize: 1000, filter: EXPIRED }),
      });
      return page.body.data?.results.map((company) => company.companyResourceId) ?? [];
    };
    const [onFirst, onSecond] = [await expiredOn(first.baseUrl), await expiredOn(secondUrl)];
    expect(onSecond).toEqual(onFirst);
    const parents = await first.storage.db
      .selectFrom('companies as c')
      .innerJoin('companies as k', 'k.parent_id', 'c.id')
      .select('c.resource_id')
      .execute();
    const renewed = onFirst.find((id) => !parents.some((row) => row.resource_id === id)) as string;
    expect(renewed).toBeDefined();

    const before = (await callApi<ServiceResult<CompanyDto>>(secondUrl, `/api/companies/${renewed}`, { token })).body
      .data as CompanyDto;
    expect(Date.parse(before.licenseEndDate ?? '')).toBeLessThan(PINNED_TODAY_START_MS);
    const put = await callApi(first.baseUrl, `/api/companies/${renewed}`, {
      token,
      method: 'PUT',
      body: { ...companyWriteBodyOf(before), LicenseEndDate: '2027-12-31' },
    });
    expect(put.status).toBe(200);

    for (const baseUrl of [secondUrl, first.baseUrl]) {
      expect(await expiredOn(baseUrl)).toEqual(onFirst.filter((id) => id !== renewed));
      const company = await callApi<ServiceResult<CompanyDto>>(baseUrl, `/api/companies/${renewed}`, { token });
      expect(company.body.data?.licenseEndDate).toBe('2027-12-31T00:00:00.000Z');
      const response = await fetch(`${baseUrl}/api/companies/search/export`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'x-keepnet-company-id': renewed,
        },
        body: JSON.stringify(searchBody({ exportType: 'CSV', reportAllPages: true })),
      });
      expect(response.status).toBe(200);
      const csv = (await checkedBytes('POST', '/api/companies/search/export', response)).toString('utf8');
      const rows = csv.split('\r\n').filter((line) => line !== '');
      expect(rows).toHaveLength(2);
      expect(rows[1]).toContain('2027-12-31');
    }
    const audit = await first.storage.db
      .selectFrom('company_audit')
      .select(['action', 'changes', 'client_id'])
      .where('company_resource_id', '=', renewed)
      .execute();
    expect(audit).toEqual([
      {
        action: 'update',
        client_id: first.credentials.reseller.clientId,
        changes: JSON.stringify({
          licenseEndDate: { from: before.licenseEndDate, to: '2027-12-31T00:00:00.000Z' },
        }),
      },
    ]);
  });
});
