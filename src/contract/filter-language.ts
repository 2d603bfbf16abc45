// contract §4 "Filter": field names, their types and the operators each type takes.
export type FieldType = 'text' | 'idList' | 'number' | 'date' | 'boolean';

export const FIELD_TYPES = {
  CompanyName: 'text',
  ResellerName: 'text',
  IndustryName: 'text',
  LicenseTypeName: 'text',
  Tags: 'text',
  IndustryResourceId: 'idList',
  LicenseTypeResourceId: 'idList',
  CompanyResourceId: 'idList',
  TargetUserCount: 'number',
  NumberOfUsers: 'number',
  MonthlyActiveUserCount: 'number',
  LicenseEndDate: 'date',
  CreateTime: 'date',
  LicenceExpired: 'boolean',
} as const satisfies Record<string, FieldType>;

export type FieldName = keyof typeof FIELD_TYPES;

/** Other spellings the contract accepts for a field. */
export const FIELD_ALIASES: Record<string, FieldName> = {
  RenewalDate: 'LicenseEndDate',
  LicenseExpired: 'LicenceExpired',
};

export const OPERATORS_BY_TYPE: Record<FieldType, readonly string[]> = {
  text: ['Contains', '=', '!='],
  idList: ['Include', '='],
  number: ['=', '!=', '>', '>=', '<', '<='],
  date: ['=', '!=', '>', '>=', '<', '<='],
  boolean: ['='],
};

export const FILTER_LIMITS = { maxDepth: 5, maxItems: 100 } as const;

export type Condition = 'AND' | 'OR';

export interface FilterItem {
  FieldName: string;
  Operator: string;
  Value: string;
}

export interface FilterGroup {
  Condition?: string;
  FilterItems?: FilterItem[];
  FilterGroups?: FilterGroup[];
}

export interface Filter {
  Condition?: string;
  SearchInputTextValue?: string | null;
  FilterGroups?: FilterGroup[];
}

const canonicalFields = new Map<string, FieldName>([
  ...Object.keys(FIELD_TYPES).map((name) => [name.toLowerCase(), name as FieldName] as const),
  ...Object.entries(FIELD_ALIASES).map(([alias, name]) => [alias.toLowerCase(), name] as const),
]);

/** FieldName is case-insensitive and has aliases; undefined when unknown. */
export function canonicalFieldName(name: string): FieldName | undefined {
  return canonicalFields.get(name.toLowerCase());
}

/** Operators are matched case-insensitively ("contains" = "Contains"); undefined when not allowed. */
export function canonicalOperator(type: FieldType, operator: string): string | undefined {
  const wanted = operator.trim().toLowerCase();
  return OPERATORS_BY_TYPE[type].find((op) => op.toLowerCase() === wanted);
}

export function canonicalCondition(condition: string | undefined): Condition | undefined {
  if (condition === undefined) return 'AND';
  const upper = condition.toUpperCase();
  return upper === 'AND' || upper === 'OR' ? upper : undefined;
}
