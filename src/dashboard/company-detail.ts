// One company for the page's detail drawer: the API's CompanyDto (contract §6, GET /api/companies/{id}) and the
// chain of companies above it, read off the managed tree (/api/companies/my: the DTO names its parent only by a
// number), which is kept as long as a listing is.
import type { LapseClient } from '../client/index.js';
import type { CompanyDetail, MyCompanyNode } from '../contract/index.js';
import { createListingCache } from './listing-cache.js';

interface TreeEntry {
  name: string;
  parent: string | undefined;
}

/** The company and its parents; the lifecycle is judged on a day by the portfolio. */
export type FoundCompany = Pick<CompanyDetail, 'company' | 'parents'>;

export interface CompanyDetails {
  detail(resourceId: string): Promise<FoundCompany>;
  /** Forget the tree, so the next detail asks the API again. */
  refresh(): void;
}

function indexTree(roots: readonly MyCompanyNode[]): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>();
  const stack = roots.map((node) => ({ node, parent: undefined as string | undefined }));
  for (let next = stack.pop(); next; next = stack.pop()) {
    entries.set(next.node.resourceId, { name: next.node.name, parent: next.parent });
    for (const child of next.node.children) stack.push({ node: child, parent: next.node.resourceId });
  }
  return entries;
}

export function createCompanyDetails(options: { client: LapseClient; ttlMs?: number }): CompanyDetails {
  const cache = createListingCache<Map<string, TreeEntry>>({ ttlMs: options.ttlMs ?? 5 * 60_000, maxEntries: 1 });
  const tree = () => cache.get('my', async () => indexTree(await options.client.companies.my()));
  return {
    async detail(resourceId) {
      const [company, entries] = await Promise.all([options.client.companies.get(resourceId), tree()]);
      const parents: CompanyDetail['parents'] = [];
      const seen = new Set([resourceId]);
      for (let id = entries.get(resourceId)?.parent; id !== undefined && !seen.has(id); id = entries.get(id)?.parent) {
        seen.add(id);
        parents.unshift({ resourceId: id, name: entries.get(id)?.name ?? id });
      }
      return { company, parents };
    },
    refresh: () => cache.clear(),
  };
}
