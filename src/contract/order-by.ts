// contract §4: the orderBy values, matched case-insensitively; RenewalDate is an alias of LicenseEndDate.
export const ORDER_BY = [
  'CompanyName',
  'ResellerName',
  'IndustryName',
  'LicenseTypeName',
  'TargetUserCount',
  'NumberOfUsers',
  'MonthlyActiveUserCount',
  'LicenseEndDate',
  'CreateTime',
] as const;

export type OrderBy = (typeof ORDER_BY)[number];

const ORDER_BY_ALIASES: Record<string, OrderBy> = { renewaldate: 'LicenseEndDate' };

export function canonicalOrderBy(value: string): OrderBy | undefined {
  const lower = value.toLowerCase();
  return ORDER_BY.find((name) => name.toLowerCase() === lower) ?? ORDER_BY_ALIASES[lower];
}

/** Every spelling a caller may send, for error messages and documentation. */
export const ORDER_BY_ACCEPTED: readonly string[] = [...ORDER_BY, 'RenewalDate'];
