// contract §4 "Filter": field names, their types and the operators each type takes. The fields are the vendor's
// own (its web UI and AI agent send them all), so scripts written for the vendor work here unchanged.
export type FieldType =
  | 'text'
  | 'tagList'
  | 'idList'
  | 'moduleList'
  | 'number'
  | 'date'
  | 'boolean'
  | 'usageMonth'
  | 'training';

export const FIELD_TYPES = {
  CompanyName: 'text',
  ResellerName: 'text',
  IndustryName: 'text',
  LicenseTypeName: 'text',
  Tags: 'tagList',
  IndustryResourceId: 'idList',
  LicenseTypeResourceId: 'idList',
  CompanyResourceId: 'idList',
  ModuleResourceId: 'moduleList',
  TargetUserCount: 'number',
  NumberOfUsers: 'number',
  MonthlyActiveUserCount: 'number',
  LicenseEndDate: 'date',
  CreateTime: 'date',
  LicenceExpired: 'boolean',
  MonthlyActiveUser: 'usageMonth',
  TrainingVendorId: 'training',
  TrainingEnrolledMonth: 'training',
  TrainingConsumptionMonth: 'training',
  TrainingConsumptionStatus: 'training',
} as const satisfies Record<string, FieldType>;

export type FieldName = keyof typeof FIELD_TYPES;

/** Other spellings the contract accepts for a field; `Name` is the vendor agent's free-text field. */
export const FIELD_ALIASES: Readonly<Record<string, FieldName>> = {
  RenewalDate: 'LicenseEndDate',
  LicenseExpired: 'LicenceExpired',
  Name: 'CompanyName',
};

const COMPARISONS = ['=', '!=', '>', '>=', '<', '<='] as const;

/**
 * Every field a row shows also takes `Contains` on its displayed text (contract §4): the vendor UI's free-text
 * group sends it on every visible column.
 */
export const OPERATORS_BY_TYPE: Record<FieldType, readonly string[]> = {
  text: ['Contains', '=', '!='],
  tagList: ['Contains', '=', '!=', 'Include'],
  idList: ['Include', '=', 'Contains'],
  moduleList: ['Include', '='],
  number: [...COMPARISONS, 'Contains'],
  date: [...COMPARISONS, 'Contains'],
  boolean: ['=', 'Contains'],
  usageMonth: ['='],
  training: ['Include', 'Contains', ...COMPARISONS],
};

/** `YYYY-MM`, months 01 to 12: the form of MonthlyActiveUser and the training months. */
const MONTH_VALUE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month a value names (`YYYY-MM`), surrounding spaces ignored; undefined when it is not one. */
export function parseMonthValue(text: string): string | undefined {
  const trimmed = text.trim();
  return MONTH_VALUE.test(trimmed) ? trimmed : undefined;
}

/** The vendor UI's training consumption statuses: "1", "2", or both as "1,2". */
export const TRAINING_CONSUMPTION_STATUSES = ['1', '2'] as const;

export const FILTER_LIMITS = { maxDepth: 5, maxItems: 100, maxNumberDigits: 40 } as const;

/**
 * contract §4 number values: an optional sign, digits, an optional fraction, surrounding spaces ignored; at most
 * FILTER_LIMITS.maxNumberDigits digits, so a value is read exactly and cheaply, never as an approximate float.
 */
const NUMBER_VALUE = /^\s*([+-]?)(\d+)(?:\.(\d+))?\s*$/;

/** A number value as the integer at or below it, and whether it is that integer: enough to compare it exactly. */
export interface NumberValue {
  floor: bigint;
  isIntegral: boolean;
}

/** The number a filter `Value` names, exactly; undefined when it is not one the contract accepts. */
export function parseNumberValue(text: string): NumberValue | undefined {
  const match = NUMBER_VALUE.exec(text);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = ''] = match;
  if (whole.length + fraction.length > FILTER_LIMITS.maxNumberDigits) return undefined;
  const isIntegral = /^0*$/.test(fraction);
  const magnitude = BigInt(whole);
  // -2.5 lies between -3 and -2: a negative fraction's floor is one below its whole part.
  if (sign === '-') return { floor: isIntegral ? -magnitude : -magnitude - 1n, isIntegral };
  return { floor: magnitude, isIntegral };
}

/** The grammar in words, for the 400 that refuses a value. */
export const NUMBER_VALUE_FORM = `a number: an optional sign, digits, an optional fraction; at most ${FILTER_LIMITS.maxNumberDigits} digits`;

export type Condition = 'AND' | 'OR';

export interface FilterItem {
  FieldName: string;
  Operator: string;
  Value: string;
  /** The vendor's custom fields; lapse has none, so only an empty name is accepted. */
  CustomFieldName?: string;
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
