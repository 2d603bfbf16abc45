// contract §4: the orderBy values, matched case-insensitively; RenewalDate is an alias of LicenseEndDate.
export const ORDER_BY = [
  'CompanyName',
  'ResellerName',
  'IndustryName',
  'LicenseTypeName',
  'TargetUserCount',
  'NumberOfUsers',
  'MonthlyActiveUserCount',
  'Tags',
  'LicenseEndDate',
  'CreateTime',
] as const;

export type OrderBy = (typeof ORDER_BY)[number];

// A Map, not an object: a caller's "__proto__" or "constructor" must find nothing, not Object's own members.
const canonicalOrders = new Map<string, OrderBy>([
  ...ORDER_BY.map((name) => [name.toLowerCase(), name] as const),
  ['renewaldate', 'LicenseEndDate'],
]);

export function canonicalOrderBy(value: string): OrderBy | undefined {
  return canonicalOrders.get(value.toLowerCase());
}

/** Every spelling a caller may send, for error messages and documentation. */
export const ORDER_BY_ACCEPTED: readonly string[] = [...ORDER_BY, 'RenewalDate'];
