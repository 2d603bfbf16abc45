// contract §3 and §6: who sees which companies, checked against the tree walked through parent_id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MyCompanyNode } from '../src/contract/index.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { type CompanyRecord, type CompanyTree, readCompanyTree } from './support/company-rows.js';
import { DATABASE_KINDS } from './support/databases.js';
import { isLicenceExpired } from './support/filter-oracle.js';
import { PINNED_TODAY_START_MS, pinnedClock } from './support/pinned-clock.js';
import { resourceIdsOf, searchAllPages, sortedIds } from './support/search-pages.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const UNKNOWN_ID = 'ZZZZZZZZZZZZ';

const idsOf = (rows: CompanyRecord[]) => sortedIds(rows.map((row) => row.resourceId));

interface Edge {
  resourceId: string;
  parentResourceId: string | null;
  licenceExpired: boolean;
}

/** The /my tree flattened to (company, parent) edges, so two trees compare whatever their sibling order. */
function edgesOf(nodes: MyCompanyNode[], parentResourceId: string | null = null): Edge[] {
  return nodes.flatMap((node) => [
    { resourceId: node.resourceId, parentResourceId, licenceExpired: node.licenceExpired },
    ...edgesOf(node.children, node.resourceId),
  ]);
}

interface Scoping {
  headers?: Record<string, string>;
  query?: string;
}

const byResourceId = (a: Edge, b: Edge) => (a.resourceId < b.resourceId ? -1 : 1);

describe.each(DATABASE_KINDS)('company visibility on %s', (kind) => {
  let server: TestServer;
  let tree: CompanyTree;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 600, ...pinnedClock });
    tree = await readCompanyTree(server.databaseLocation);
    for (const [name, credential] of Object.entries(server.credentials)) {
      tokens[name] = await fetchToken(server.baseUrl, credential);
    }
  });
  afterAll(() => server?.close());

  const searchAll = (token: string, scoping: Scoping = {}) =>
    searchAllPages(server.baseUrl, { token, body: searchBody({ pageSize: 97 }), ...scoping });

  /** A reseller below the Reseller credential's company that has companies of its own. */
  function descendantReseller(): CompanyRecord {
    const own = server.credentials.reseller.companyResourceId;
    const found = tree.descendants(own).find((row) => tree.children(row).length > 0);
    if (!found) throw new Error('the seeded reseller has no sub-reseller');
    return found;
  }

  function companyOutside(resellerResourceId: string): CompanyRecord {
    const own = tree.company(resellerResourceId);
    const below = new Set(idsOf(tree.descendants(resellerResourceId)));
    const outside = tree.rows.find((row) => row.id !== own.id && !below.has(row.resourceId) && row.parentId !== null);
    if (!outside) throw new Error('every company is below the reseller');
    return outside;
  }

  it.each(['reseller', 'subReseller'] as const)('a %s sees exactly its subtree at every depth', async (name) => {
    const own = tree.company(server.credentials[name].companyResourceId);
    const expected = tree.descendants(own.resourceId);
    const { results } = await searchAll(tokens[name] as string);
    const seen = resourceIdsOf(results);
    expect(new Set(seen).size).toBe(seen.length);
    expect(sortedIds(seen)).toEqual(idsOf(expected));
    // Never itself, an ancestor or a sibling.
    const forbidden = [own, ...tree.ancestors(own), ...tree.children(tree.parent(own) as CompanyRecord)];
    for (const row of forbidden) expect(seen).not.toContain(row.resourceId);
    // The top reseller's view reaches grandchildren and deeper, not only direct children.
    const depths = expected.map((row) => tree.depthOf(row) - tree.depthOf(own));
    expect(Math.max(...depths)).toBeGreaterThanOrEqual(name === 'reseller' ? 2 : 1);
  });

  it('Root sees every company', async () => {
    const { results } = await searchAll(tokens.root as string);
    expect(sortedIds(resourceIdsOf(results))).toEqual(idsOf(tree.rows));
  });

  it('a Company Admin may not search, and is told to use a Reseller credential', async () => {
    const response = await callApi(server.baseUrl, '/api/companies/search', {
      token: tokens.companyAdmin,
      body: searchBody(),
    });
    expect(response.status).toBe(403);
    expect(response.body.status).toBe('FORBIDDEN');
    expect(response.body.message).toMatch(/Reseller/);
  });

  it('a Company Admin sees only its own company on /my and /{id}', async () => {
    const own = tree.company(server.credentials.companyAdmin.companyResourceId);
    const my = await callApi(server.baseUrl, '/api/companies/my', { token: tokens.companyAdmin });
    expect(my.status).toBe(200);
    expect(my.body.data).toEqual([
      {
        name: own.name,
        resourceId: own.resourceId,
        licenceExpired: isLicenceExpired(own, PINNED_TODAY_START_MS),
        children: [],
      },
    ]);
    const mine = await callApi(server.baseUrl, `/api/companies/${own.resourceId}`, { token: tokens.companyAdmin });
    expect(mine.status).toBe(200);
    expect(mine.body.data.resourceId).toBe(own.resourceId);
    const parent = tree.parent(own) as CompanyRecord;
    const unrelated = tree.rows.find((row) => row.id !== own.id && row.id !== parent.id) as CompanyRecord;
    for (const other of [parent, unrelated]) {
      const response = await callApi(server.baseUrl, `/api/companies/${other.resourceId}`, {
        token: tokens.companyAdmin,
      });
      expect(response.status).toBe(403);
      expect(response.body.status).toBe('FORBIDDEN');
    }
  });

  describe.each<[string, (id: string) => Scoping]>([
    ['the X-KEEPNET-Company-Id header', (id) => ({ headers: { 'X-KEEPNET-Company-Id': id } })],
    ['the companyId query parameter', (id) => ({ query: `?companyId=${encodeURIComponent(id)}` })],
  ])('scoping by %s', (_how, scopeTo) => {
    it('narrows to a descendant and the companies below it, itself included', async () => {
      const target = descendantReseller();
      const { results } = await searchAll(tokens.reseller as string, scopeTo(target.resourceId));
      expect(sortedIds(resourceIdsOf(results))).toEqual(idsOf([target, ...tree.descendants(target.resourceId)]));
    });

    it('refuses a company outside the subtree, the reseller itself and its ancestors with 403', async () => {
      const own = tree.company(server.credentials.reseller.companyResourceId);
      for (const company of [companyOutside(own.resourceId), own, ...tree.ancestors(own)]) {
        const scoping = scopeTo(company.resourceId);
        const response = await callApi(server.baseUrl, `/api/companies/search${scoping.query ?? ''}`, {
          token: tokens.reseller,
          body: searchBody(),
          headers: scoping.headers,
        });
        expect(response.status, company.resourceId).toBe(403);
        expect(response.body.status).toBe('FORBIDDEN');
      }
    });

    it('answers 404 for an unknown company', async () => {
      const scoping = scopeTo(UNKNOWN_ID);
      const response = await callApi(server.baseUrl, `/api/companies/search${scoping.query ?? ''}`, {
        token: tokens.reseller,
        body: searchBody(),
        headers: scoping.headers,
      });
      expect(response.status).toBe(404);
      expect(response.body.status).toBe('NOT_FOUND');
    });
  });

  it('/my for a reseller is exactly its subtree, as a tree', async () => {
    const own = tree.company(server.credentials.reseller.companyResourceId);
    const response = await callApi<{ data: MyCompanyNode[] }>(server.baseUrl, '/api/companies/my', {
      token: tokens.reseller,
    });
    expect(response.status).toBe(200);
    const expected = tree.descendants(own.resourceId).map((row) => ({
      resourceId: row.resourceId,
      parentResourceId: row.parentId === own.id ? null : (tree.parent(row) as CompanyRecord).resourceId,
      licenceExpired: isLicenceExpired(row, PINNED_TODAY_START_MS),
    }));
    expect(edgesOf(response.body.data).sort(byResourceId)).toEqual(expected.sort(byResourceId));
  });

  it('/{id} returns a CompanyDto of a company below the reseller', async () => {
    const row = descendantReseller();
    const child = tree.children(row).find((c) => c.licenseEndAt !== null) ?? (tree.children(row)[0] as CompanyRecord);
    const response = await callApi(server.baseUrl, `/api/companies/${child.resourceId}`, { token: tokens.reseller });
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('SUCCESS');
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    expect(response.body.data).toStrictEqual({
      resourceId: child.resourceId,
      name: child.name,
      description: child.description,
      industryResourceId: child.industryResourceId,
      industryName: child.industryName,
      countryResourceId: child.countryResourceId,
      countryName: child.countryName,
      countryCode: child.countryCode,
      licenseTypeResourceId: child.licenseTypeResourceId,
      licenseTypeName: child.licenseTypeName,
      licensePeriodTypeResourceId: child.licensePeriodTypeResourceId,
      licensePeriodTypeName: child.licensePeriodTypeName,
      licenseStartDate: iso(child.licenseStartAt),
      licenseEndDate: iso(child.licenseEndAt),
      isNumberOfUsersLimited: child.isNumberOfUsersLimited,
      numberOfUsers: child.numberOfUsers,
      parentId: row.id,
      statusId: child.statusId,
      statusName: child.statusName,
      licenseModules: child.licenseModules,
      targetUserCount: child.targetUserCount,
      timeZoneId: child.timeZoneId,
      dateFormat: child.dateFormat,
      timeFormat: child.timeFormat,
      tags: child.tags,
    });
    // The seed fills the profile: a period type and a status on every company.
    expect(child.licensePeriodTypeName).not.toBeNull();
    expect(child.statusId).not.toBeNull();
  });

  it('/{id} refuses companies the reseller does not manage, and 404s unknown ones', async () => {
    const own = tree.company(server.credentials.reseller.companyResourceId);
    for (const company of [own, companyOutside(own.resourceId), ...tree.ancestors(own)]) {
      const response = await callApi(server.baseUrl, `/api/companies/${company.resourceId}`, {
        token: tokens.reseller,
      });
      expect(response.status, company.resourceId).toBe(403);
    }
    const unknown = await callApi(server.baseUrl, `/api/companies/${UNKNOWN_ID}`, { token: tokens.reseller });
    expect(unknown.status).toBe(404);
    expect(unknown.body.status).toBe('NOT_FOUND');
  });
});
