// The search order (contract §4), from the contract alone: ascending by the field (text by its lower-cased
// UTF-8 bytes), nulls first ascending and last descending, companyResourceId last in the same direction.
import type { CompanyRecord, CompanyTree } from './company-rows.js';

type SortValue = string | number | null;

const SORT_KEYS: Record<string, (row: CompanyRecord, tree: CompanyTree) => SortValue> = {
  companyname: (row) => row.name.toLowerCase(),
  resellername: (row, tree) => tree.resellerName(row)?.toLowerCase() ?? null,
  industryname: (row) => row.industryName?.toLowerCase() ?? null,
  licensetypename: (row) => row.licenseTypeName?.toLowerCase() ?? null,
  targetusercount: (row) => row.targetUserCount,
  numberofusers: (row) => row.numberOfUsers,
  monthlyactiveusercount: (row) => row.monthlyActiveUserCount,
  // Tag by tag, folded, in the order given; a list that is another's start sorts first, no tags before any.
  tags: (row) => row.tags.map((tag) => `${tag.toLowerCase()}\u001f`).join(''),
  licenseenddate: (row) => row.licenseEndAt,
  renewaldate: (row) => row.licenseEndAt,
  createtime: (row) => row.createdAt,
};

function compareValues(a: SortValue, b: SortValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return (a as number) - (b as number);
}

/** `rows` in the order the contract gives for `orderBy` (case-insensitive) and the direction. */
export function orderExpected(rows: CompanyRecord[], orderBy: string, ascending: boolean, tree: CompanyTree) {
  const key = SORT_KEYS[orderBy.toLowerCase()];
  if (!key) throw new Error(`oracle: unknown orderBy ${orderBy}`);
  const keyed = rows.map((row) => ({ row, value: key(row, tree) }));
  keyed.sort((a, b) => {
    const byField = compareValues(a.value, b.value);
    const order =
      byField !== 0 ? byField : Buffer.compare(Buffer.from(a.row.resourceId), Buffer.from(b.row.resourceId));
    return ascending ? order : -order;
  });
  return keyed.map(({ row }) => row);
}
