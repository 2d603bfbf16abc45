// The SDK against the real server, directly and through the fault proxy: paging, the streaming listing form,
// single companies, the /my tree and the export download.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, ForbiddenError, NotFoundError } from '../src/client/index.js';
import { dayStartUtc, type SearchCompanyDto } from '../src/contract/index.js';
import { startFaultProxy } from './support/fault-proxy.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { assertCsvHeaderRow, exportTypeOf } from './support/wire-schemas.js';

const TODAY = '2026-03-10';
let server: TestServer;
let database: Database.Database;

beforeAll(async () => {
  server = await startTestServer({ companies: 600, seed: 5, today: TODAY });
  database = new Database(server.databaseLocation, { readonly: true });
}, 120_000);

afterAll(async () => {
  database?.close();
  await server?.close();
});

function subtree(companyResourceId: string, condition = '1 = 1', params: number[] = []): string[] {
  const { path } = database.prepare('select path from companies where resource_id = ?').get(companyResourceId) as {
    path: string;
  };
  const rows = database
    .prepare(`select resource_id from companies where path > ? and path < ? and (${condition})`)
    .all(path, `${path.slice(0, -1)}0`, ...params) as { resource_id: string }[];
  return rows.map((row) => row.resource_id).sort();
}

const clientAs = (baseUrl: string, credential = server.credentials.reseller, companyId?: string) =>
  createClient({
    baseUrl,
    clientId: credential.clientId,
    clientSecret: credential.clientSecret,
    companyId,
    now: () => Date.parse(`${TODAY}T12:00:00Z`),
    retry: { baseDelayMs: 5 },
  });

describe('companies.iterate', () => {
  it('yields every company in scope once, across pages, through a proxy that resets and rate-limits', async () => {
    const proxy = await startFaultProxy(server.baseUrl, {
      resetPageEvery: 2,
      rateLimit: { every: 3 },
      pascalCase: true,
    });
    try {
      const seen: string[] = [];
      for await (const company of clientAs(proxy.baseUrl).companies.iterate({ pageSize: 37 })) {
        seen.push(company.companyResourceId);
      }
      expect(seen.sort()).toEqual(subtree(server.credentials.reseller.companyResourceId));
    } finally {
      await proxy.close();
    }
  });
});

describe('streamExpired', () => {
  it('streams the expired companies and fills the summary at the end', async () => {
    const proxy = await startFaultProxy(server.baseUrl, { ignoreDateFilter: true, legacyEnvelope: true });
    try {
      const stream = clientAs(proxy.baseUrl).streamExpired({ pageSize: 25 });
      const found: SearchCompanyDto[] = [];
      for await (const company of stream) found.push(company);
      const expected = subtree(server.credentials.reseller.companyResourceId, 'license_end_at < ?', [
        dayStartUtc(TODAY),
      ]);
      expect(found.map((c) => c.companyResourceId).sort()).toEqual(expected);
      expect(stream.summary?.strategy.name).toBe('ordered-scan');
      expect(stream.summary?.asOf).toBe(TODAY);
      expect(stream.summary?.totalSeen).toBeGreaterThanOrEqual(expected.length);
    } finally {
      await proxy.close();
    }
  });
});

describe('single companies and the tree', () => {
  it('reads one company, with numberOfUsers as an int, through PascalCase and string numbers', async () => {
    const proxy = await startFaultProxy(server.baseUrl, { pascalCase: true, numbersAsStrings: true });
    try {
      const id = subtree(server.credentials.reseller.companyResourceId)[0] ?? '';
      const company = await clientAs(proxy.baseUrl).companies.get(id);
      const row = database.prepare('select name, number_of_users from companies where resource_id = ?').get(id) as {
        name: string;
        number_of_users: number;
      };
      expect(company).toMatchObject({ resourceId: id, name: row.name, numberOfUsers: row.number_of_users });
    } finally {
      await proxy.close();
    }
  });

  it('answers an unknown company with a NotFoundError and a company outside scope with a ForbiddenError', async () => {
    const client = clientAs(server.baseUrl, server.credentials.subReseller);
    await expect(client.companies.get('ZZZZZZZZZZZZ')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.companies.get(server.credentials.reseller.companyResourceId)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('reads the /my tree of a reseller', async () => {
    const tree = await clientAs(server.baseUrl).companies.my();
    const count = (nodes: typeof tree): number => nodes.reduce((n, node) => n + 1 + count(node.children), 0);
    expect(count(tree)).toBe(subtree(server.credentials.reseller.companyResourceId).length);
  });
});

describe('companies.export', () => {
  it('returns a web stream with the file name and row count', async () => {
    const file = await clientAs(server.baseUrl).companies.export({ exportType: 'CSV', reportAllPages: true });
    const bytes = Buffer.from(await new Response(file.stream).arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    assertCsvHeaderRow(bytes);
    expect(exportTypeOf(file.contentType)).toBe('CSV');
    expect(file.fileName).toBe('Companies.csv');
    expect(file.contentType).toContain('text/csv');
    expect(file.totalCount).toBe(subtree(server.credentials.reseller.companyResourceId).length);
    expect(text.split('\r\n').filter((line) => line !== '')).toHaveLength((file.totalCount ?? 0) + 1);
  });

  it('turns a missing export route into a NotFoundError', async () => {
    const proxy = await startFaultProxy(server.baseUrl, { noExportRoute: true });
    try {
      await expect(clientAs(proxy.baseUrl).companies.export({ exportType: 'CSV' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    } finally {
      await proxy.close();
    }
  });
});
