// Independent truth for server tests: the companies read straight from the database (no server code), and the
// tree walked through parent_id (never the `path` column the server scopes with).
import Database from 'better-sqlite3';
import pg from 'pg';

/** One company as stored, in plain JavaScript values. */
export interface CompanyRecord {
  id: number;
  resourceId: string;
  name: string;
  parentId: number | null;
  industryResourceId: string | null;
  industryName: string | null;
  licenseTypeResourceId: string | null;
  licenseTypeName: string | null;
  isNumberOfUsersLimited: boolean;
  numberOfUsers: number;
  licenseStartAt: number | null;
  licenseEndAt: number | null;
  createdAt: number;
  targetUserCount: number;
  inactiveTargetUserCount: number;
  deletedTargetUserCount: number;
  monthlyActiveUserCount: number;
  tags: string[];
  privacyDurationId: number;
  timeZoneId: string | null;
  description: string | null;
  countryResourceId: string | null;
  countryName: string | null;
  countryCode: string | null;
  licensePeriodTypeResourceId: string | null;
  licensePeriodTypeName: string | null;
  statusId: number | null;
  statusName: string | null;
  licenseModules: string[];
  dateFormat: string | null;
  timeFormat: string | null;
}

const COMPANY_COLUMNS = `id, resource_id, name, parent_id, industry_resource_id, industry_name, license_type_resource_id,
  license_type_name, is_number_of_users_limited, number_of_users, license_start_at, license_end_at, created_at,
  target_user_count, inactive_target_user_count, deleted_target_user_count, monthly_active_user_count, tags,
  privacy_duration_id, time_zone_id, description, country_resource_id, country_name, country_code,
  license_period_type_resource_id, license_period_type_name, status_id, status_name, license_modules, date_format,
  time_format`;

const isPostgres = (location: string) => /^postgres(ql)?:\/\//i.test(location);

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const textOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));

function toRecord(row: Record<string, unknown>): CompanyRecord {
  return {
    id: Number(row.id),
    resourceId: String(row.resource_id),
    name: String(row.name),
    parentId: numberOrNull(row.parent_id),
    industryResourceId: (row.industry_resource_id as string | null) ?? null,
    industryName: (row.industry_name as string | null) ?? null,
    licenseTypeResourceId: (row.license_type_resource_id as string | null) ?? null,
    licenseTypeName: (row.license_type_name as string | null) ?? null,
    isNumberOfUsersLimited: Number(row.is_number_of_users_limited) !== 0,
    numberOfUsers: Number(row.number_of_users),
    licenseStartAt: numberOrNull(row.license_start_at),
    licenseEndAt: numberOrNull(row.license_end_at),
    createdAt: Number(row.created_at),
    targetUserCount: Number(row.target_user_count),
    inactiveTargetUserCount: Number(row.inactive_target_user_count),
    deletedTargetUserCount: Number(row.deleted_target_user_count),
    monthlyActiveUserCount: Number(row.monthly_active_user_count),
    tags: JSON.parse(String(row.tags)) as string[],
    privacyDurationId: Number(row.privacy_duration_id),
    timeZoneId: (row.time_zone_id as string | null) ?? null,
    description: textOrNull(row.description),
    countryResourceId: textOrNull(row.country_resource_id),
    countryName: textOrNull(row.country_name),
    countryCode: textOrNull(row.country_code),
    licensePeriodTypeResourceId: textOrNull(row.license_period_type_resource_id),
    licensePeriodTypeName: textOrNull(row.license_period_type_name),
    statusId: numberOrNull(row.status_id),
    statusName: textOrNull(row.status_name),
    licenseModules: JSON.parse(String(row.license_modules)) as string[],
    dateFormat: textOrNull(row.date_format),
    timeFormat: textOrNull(row.time_format),
  };
}

/** Runs one statement on its own short-lived connection (`$1`-style placeholders on both databases). */
async function runSql(location: string, statement: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (isPostgres(location)) {
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    try {
      return (await client.query(statement, params)).rows;
    } finally {
      await client.end();
    }
  }
  const database = new Database(location);
  try {
    database.pragma('busy_timeout = 5000');
    const prepared = database.prepare(statement.replace(/\$\d+/g, '?'));
    if (prepared.reader) return prepared.all(...params) as Record<string, unknown>[];
    prepared.run(...params);
    return [];
  } finally {
    database.close();
  }
}

export async function readAllCompanies(location: string): Promise<CompanyRecord[]> {
  const rows = await runSql(location, `select ${COMPANY_COLUMNS} from companies order by id`);
  return rows.map(toRecord);
}

/** Monthly active users by company id, then by month (`YYYY-MM`), as the monthly_usage table holds them. */
export type MonthlyUsage = Map<number, Map<string, number>>;

export async function readMonthlyUsage(location: string): Promise<MonthlyUsage> {
  const rows = await runSql(location, 'select company_id, month, active_user_count from monthly_usage');
  const usage: MonthlyUsage = new Map();
  for (const row of rows) {
    const id = Number(row.company_id);
    const months = usage.get(id) ?? new Map<string, number>();
    months.set(String(row.month), Number(row.active_user_count));
    usage.set(id, months);
  }
  return usage;
}

/** Disables a credential behind the server's back, as an operator would in the database. */
export async function disableCredential(location: string, clientId: string): Promise<void> {
  await runSql(location, 'update credentials set is_disabled = 1 where client_id = $1', [clientId]);
}

/** The companies and the parent_id links between them, for walking the tree. */
export class CompanyTree {
  readonly byResourceId: Map<string, CompanyRecord>;
  readonly byId: Map<number, CompanyRecord>;
  private readonly childrenById = new Map<number, CompanyRecord[]>();

  constructor(readonly rows: CompanyRecord[]) {
    this.byResourceId = new Map(rows.map((row) => [row.resourceId, row]));
    this.byId = new Map(rows.map((row) => [row.id, row]));
    for (const row of rows) {
      if (row.parentId === null) continue;
      const siblings = this.childrenById.get(row.parentId);
      if (siblings) siblings.push(row);
      else this.childrenById.set(row.parentId, [row]);
    }
  }

  company(resourceId: string): CompanyRecord {
    const row = this.byResourceId.get(resourceId);
    if (!row) throw new Error(`no company ${resourceId}`);
    return row;
  }

  children(row: CompanyRecord): CompanyRecord[] {
    return this.childrenById.get(row.id) ?? [];
  }

  parent(row: CompanyRecord): CompanyRecord | undefined {
    return row.parentId === null ? undefined : this.byId.get(row.parentId);
  }

  /** Every company below `resourceId`, at every depth, breadth-first; the company itself excluded. */
  descendants(resourceId: string): CompanyRecord[] {
    const found: CompanyRecord[] = [];
    let level = this.children(this.company(resourceId));
    for (let depth = 0; level.length > 0 && depth < this.rows.length; depth++) {
      found.push(...level);
      level = level.flatMap((row) => this.children(row));
    }
    return found;
  }

  ancestors(row: CompanyRecord): CompanyRecord[] {
    const found: CompanyRecord[] = [];
    for (let parent = this.parent(row); parent && found.length < this.rows.length; parent = this.parent(parent)) {
      found.push(parent);
    }
    return found;
  }

  /** Distance from the top of the tree, counted by walking parent_id. */
  depthOf(row: CompanyRecord): number {
    return this.ancestors(row).length;
  }

  /** The reseller's name as the contract defines it: its parent's name. */
  resellerName(row: CompanyRecord): string | null {
    return this.parent(row)?.name ?? null;
  }
}

export async function readCompanyTree(location: string): Promise<CompanyTree> {
  return new CompanyTree(await readAllCompanies(location));
}
