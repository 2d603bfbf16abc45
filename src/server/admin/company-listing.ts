// `lapse admin company list` and `tree`: the companies as the database holds them, for the operator (no roles: the
// operator owns the database).
import { utcDayOfMs } from '../../contract/index.js';
import { type Db, parentIdOf, subtreeCondition } from '../db/index.js';
import { resolveCompany } from './company-reference.js';

export interface CompanyListing {
  resourceId: string;
  name: string;
  parentResourceId: string | null;
  resellerName: string | null;
  depth: number;
  /** The renewal day, `YYYY-MM-DD`; null for an open-ended licence. */
  renewalDate: string | null;
}

export interface CompanyTreeNode extends CompanyListing {
  /** Companies below this one, at every depth. */
  descendantCount: number;
  children: CompanyTreeNode[];
}

/** Every company, or the company `under` names and those below it, in tree order (parents first, by name). */
export async function listCompanies(db: Db, under?: string): Promise<CompanyListing[]> {
  return flattenTree(await companyTree(db, under));
}

function flattenTree(nodes: CompanyTreeNode[]): CompanyListing[] {
  return nodes.flatMap(({ children, descendantCount: _, ...company }) => [company, ...flattenTree(children)]);
}

const byNameThenId = (a: CompanyTreeNode, b: CompanyTreeNode) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.resourceId < b.resourceId ? -1 : 1;

/** The tree below the database's top (or the company `under` names, itself included), siblings by name. */
export async function companyTree(db: Db, under?: string): Promise<CompanyTreeNode[]> {
  const top = under === undefined ? undefined : await resolveCompany(db, under);
  const rows = await db
    .selectFrom('companies')
    .select(['id', 'parent_id', 'resource_id', 'name', 'path', 'reseller_name', 'depth', 'license_end_at'])
    .$if(top !== undefined, (query) => query.where(subtreeCondition(top?.path ?? '', true)))
    .orderBy('depth')
    .execute();
  const nodes = new Map<number, CompanyTreeNode>();
  const roots: CompanyTreeNode[] = [];
  for (const row of rows) {
    const parent = row.parent_id === null ? undefined : nodes.get(row.parent_id);
    const node: CompanyTreeNode = {
      resourceId: row.resource_id,
      name: row.name,
      parentResourceId: parentIdOf(row.path),
      resellerName: row.reseller_name,
      depth: row.depth,
      renewalDate: row.license_end_at === null ? null : utcDayOfMs(Number(row.license_end_at)),
      descendantCount: 0,
      children: [],
    };
    nodes.set(row.id, node);
    (parent ? parent.children : roots).push(node);
  }
  const settle = (node: CompanyTreeNode): number => {
    node.children.sort(byNameThenId);
    node.descendantCount = node.children.reduce((sum, child) => sum + 1 + settle(child), 0);
    return node.descendantCount;
  };
  roots.sort(byNameThenId);
  for (const root of roots) settle(root);
  return roots;
}
