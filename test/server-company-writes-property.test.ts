// contract §10, property: any sequence of creates, updates (renames, renewals) and deletes over real HTTP keeps the
// company tree consistent on both databases: every company under its parent, paths, depths and reseller names right,
// and a delete refused exactly when the company has companies below it.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompanyDto, companyWriteBodyOf, type ServiceResult } from '../src/contract/index.js';
import { callApi, fetchToken } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { findTreeInconsistencies } from './support/tree-consistency.js';

type Operation =
  | { kind: 'create'; parent: number; name: string }
  | { kind: 'update'; target: number; name: string; endDay: number }
  | { kind: 'delete'; target: number };

const name = fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,14}[A-Za-z]$/);
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), parent: fc.nat(), name }),
  fc.record({
    kind: fc.constant('update' as const),
    target: fc.nat(),
    name,
    endDay: fc.integer({ min: 0, max: 3000 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), target: fc.nat() }),
);

describe.each(DATABASE_KINDS)('company writes keep the tree consistent on %s', (kind) => {
  let server: TestServer;
  let token: string;
  let rootId: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 25, ...pinnedClock });
    token = await fetchToken(server.baseUrl, server.credentials.root);
    rootId = server.seed.rootResourceId;
  });
  afterAll(() => server?.close());

  async function companyIds(): Promise<string[]> {
    const rows = await server.storage.db.selectFrom('companies').select('resource_id').orderBy('id').execute();
    return rows.map((row) => row.resource_id).filter((id) => id !== rootId);
  }

  async function hasChildren(resourceId: string): Promise<boolean> {
    const row = await server.storage.db
      .selectFrom('companies as c')
      .innerJoin('companies as k', 'k.parent_id', 'c.id')
      .select('k.id')
      .where('c.resource_id', '=', resourceId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async function apply(op: Operation): Promise<void> {
    const ids = await companyIds();
    if (op.kind === 'create') {
      const parent = [rootId, ...ids][op.parent % (ids.length + 1)] as string;
      const template = (await callApi<ServiceResult<CompanyDto>>(server.baseUrl, `/api/companies/${parent}`, { token }))
        .body.data as CompanyDto;
      const created = await callApi(server.baseUrl, '/api/companies', {
        token,
        body: { ...companyWriteBodyOf(template), Name: op.name },
        headers: { 'x-keepnet-company-id': parent },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      return;
    }
    if (ids.length === 0) return;
    const target = ids[op.target % ids.length] as string;
    if (op.kind === 'update') {
      const current = (await callApi<ServiceResult<CompanyDto>>(server.baseUrl, `/api/companies/${target}`, { token }))
        .body.data as CompanyDto;
      const endDate = new Date(Date.UTC(2025, 0, 1 + op.endDay)).toISOString().slice(0, 10);
      const updated = await callApi(server.baseUrl, `/api/companies/${target}`, {
        token,
        method: 'PUT',
        body: { ...companyWriteBodyOf(current), Name: op.name, LicenseEndDate: endDate },
      });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      return;
    }
    const isParent = await hasChildren(target);
    const deleted = await callApi(server.baseUrl, `/api/companies/${target}`, { token, method: 'DELETE' });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(isParent ? 400 : 200);
  }

  it('after every sequence of writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 8 }), async (operations) => {
        for (const op of operations) await apply(op);
        expect(await findTreeInconsistencies(server.storage.db)).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });
});
