// contract §10: a validated write body becomes the admin services' changes (admin/companies.ts keeps the tree's
// copies in step); each write runs in one transaction with its audit row, so it lands whole or not at all.
import {
  COMPANY_STATUSES,
  type CompanyDto,
  type CompanyWriteBody,
  LICENCE_WRITE_FIELDS,
  LICENSE_PERIOD_TYPES,
} from '../../../contract/index.js';
import {
  AdminError,
  type CompanyChanges,
  type CompanyProfile,
  createCompanyIn,
  findCompanyByResourceId,
  inTransaction,
  resolveFieldChanges,
  type StoredCompany,
  updateCompanyIn,
} from '../../admin/index.js';
import type { Caller } from '../../auth/index.js';
import { type Db, isConstraintViolation } from '../../db/index.js';
import { ApiError } from '../../errors.js';
import { COMPANY_DTO } from '../company-records.js';
import { type AuditAction, type FieldChanges, fieldChangesOf, recordAudit } from './audit.js';

export interface WriteActor {
  caller: Caller;
  now: number;
}

const invalid = (field: string, message: string) => ApiError.invalidRequest([`${field}: ${message}`]);
const orNull = (text: string | undefined) => (text === undefined ? undefined : text === '' ? null : text);

async function catalogueId(db: Db, table: 'industries' | 'license_types', field: string, id: string) {
  if (id === '') return null;
  const entry = await db.selectFrom(table).select('resource_id').where('resource_id', '=', id).executeTakeFirst();
  if (!entry) throw invalid(field, `no ${table === 'industries' ? 'industry' : 'licence type'} has the id "${id}"`);
  return id;
}

/** Countries have no catalogue of their own: the known ones are those companies hold. */
async function countryColumns(db: Db, id: string): Promise<CompanyProfile> {
  if (id === '') return { country_resource_id: null, country_name: null, country_code: null };
  const known = await db
    .selectFrom('companies')
    .select(['country_name', 'country_code'])
    .where('country_resource_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  if (!known) throw invalid('CountryResourceId', `no country has the id "${id}"`);
  return { country_resource_id: id, country_name: known.country_name, country_code: known.country_code };
}

function periodTypeColumns(id: string): CompanyProfile {
  if (id === '') return { license_period_type_resource_id: null, license_period_type_name: null };
  const type = Object.values(LICENSE_PERIOD_TYPES).find((entry) => entry.resourceId === id);
  if (!type) {
    const known = Object.values(LICENSE_PERIOD_TYPES).map((entry) => `${entry.resourceId} (${entry.name})`);
    throw invalid('LicensePeriodTypeResourceId', `"${id}" is not one of ${known.join(', ')}`);
  }
  return { license_period_type_resource_id: type.resourceId, license_period_type_name: type.name };
}

function statusColumns(id: number | undefined): CompanyProfile {
  if (id === undefined) return {};
  const status = COMPANY_STATUSES.find((entry) => entry.id === id);
  if (!status) throw invalid('StatusId', `must be ${COMPANY_STATUSES.map((s) => `${s.id} (${s.name})`).join(' or ')}`);
  return { status_id: status.id, status_name: status.name };
}

async function profileOf(db: Db, body: CompanyWriteBody): Promise<CompanyProfile> {
  return {
    ...(body.Description !== undefined && { description: orNull(body.Description) }),
    ...(await countryColumns(db, body.CountryResourceId)),
    ...periodTypeColumns(body.LicensePeriodTypeResourceId),
    ...statusColumns(body.StatusId),
    date_format: orNull(body.DateFormat),
    time_format: orNull(body.TimeFormat),
  };
}

/** Each value the admin services check (names, days, zones, tags), checked alone so the 400 names its field. */
async function checkEach(db: Db, changes: CompanyChanges, existing: StoredCompany | null): Promise<void> {
  const fieldNames: Partial<Record<keyof CompanyChanges, string>> = {
    name: 'Name',
    licenseStartDate: 'LicenseStartDate',
    licenseEndDate: 'LicenseEndDate',
    timeZoneId: 'TimeZoneId',
    tags: 'Tags',
  };
  const problems: string[] = [];
  for (const [key, field] of Object.entries(fieldNames)) {
    const value = changes[key as keyof CompanyChanges];
    if (value === undefined) continue;
    try {
      await resolveFieldChanges(db, { [key]: value }, existing);
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      problems.push(`${field}: ${error.message}`);
    }
  }
  if (problems.length > 0) throw ApiError.invalidRequest(problems);
}

async function changesOf(db: Db, body: CompanyWriteBody, existing: StoredCompany | null): Promise<CompanyChanges> {
  const isCreate = existing === null;
  const changes: CompanyChanges = {
    name: body.Name,
    industry: await catalogueId(db, 'industries', 'IndustryResourceId', body.IndustryResourceId),
    licenseType: await catalogueId(db, 'license_types', 'LicenseTypeResourceId', body.LicenseTypeResourceId),
    numberOfUsers: body.NumberOfUsers,
    timeZoneId: orNull(body.TimeZoneId),
    // Absent optional fields leave a company as it is (a form of the required fields only wipes nothing); a new
    // company with a limit given is limited.
    ...(body.LicenseStartDate !== undefined && { licenseStartDate: orNull(body.LicenseStartDate) }),
    ...(body.LicenseEndDate !== undefined && { licenseEndDate: orNull(body.LicenseEndDate) }),
    ...((body.IsNumberOfUsersLimited !== undefined || isCreate) && {
      isNumberOfUsersLimited: body.IsNumberOfUsersLimited ?? true,
    }),
    ...(body.Tags !== undefined && { tags: body.Tags }),
    profile: await profileOf(db, body),
  };
  await checkEach(db, changes, existing);
  return changes;
}

const dtoOf = (row: StoredCompany, now: number): CompanyDto => COMPANY_DTO.fromRow(row, { todayStartMs: now });

async function storedByResourceId(db: Db, resourceId: string): Promise<StoredCompany> {
  return (await findCompanyByResourceId(db, resourceId)) as StoredCompany;
}

function audited(db: Db, actor: WriteActor, action: AuditAction, resourceId: string, changes: FieldChanges) {
  return recordAudit(db, {
    action,
    resourceId,
    changes,
    caller: actor.caller,
    at: actor.now,
  });
}

/** contract §10: a new company under `parent` (already checked to be one the caller may write below). */
export function createCompanyWrite(db: Db, actor: WriteActor, parent: StoredCompany, body: CompanyWriteBody) {
  return inTransaction(db, async (trx) => {
    const changes = await changesOf(trx, body, null);
    const created = await createCompanyIn(trx, { ...changes, name: body.Name, parent: parent.resource_id }, actor.now);
    const after = dtoOf(await storedByResourceId(trx, created.resourceId), actor.now);
    await audited(trx, actor, 'create', created.resourceId, fieldChangesOf(null, after));
    return created.resourceId;
  });
}

/** Fields of the DTO a Company Admin may not change, by the write field that sets each. */
const LICENCE_DTO_FIELDS = LICENCE_WRITE_FIELDS.map(
  (field) => [field, `${field.charAt(0).toLowerCase()}${field.slice(1)}`] as const,
);

function refuseLicenceChanges(changes: FieldChanges): void {
  const changed = LICENCE_DTO_FIELDS.filter(([, dtoField]) => Object.hasOwn(changes, dtoField)).map(([f]) => f);
  if (changed.length > 0) {
    throw ApiError.forbidden(
      `A Company Admin may not change its licence (${changed.join(', ')}); ask its reseller to.`,
    );
  }
}

/** contract §10: the full update of `company` (already checked to be one the caller may write). */
export function updateCompanyWrite(db: Db, actor: WriteActor, company: StoredCompany, body: CompanyWriteBody) {
  return inTransaction(db, async (trx) => {
    const before = dtoOf(company, actor.now);
    await updateCompanyIn(trx, company, await changesOf(trx, body, company));
    const changes = fieldChangesOf(before, dtoOf(await storedByResourceId(trx, company.resource_id), actor.now));
    // Refused inside the transaction: the update is rolled back with it.
    if (actor.caller.role === 'Company Admin') refuseLicenceChanges(changes);
    if (Object.keys(changes).length > 0) await audited(trx, actor, 'update', company.resource_id, changes);
    return company.resource_id;
  });
}

/**
 * contract §10: removes a company with no companies below it, and its API clients with it. The vendor's documents
 * do not say what deleting a reseller with customers does; lapse refuses it (docs/decisions.md).
 */
export function deleteCompanyWrite(db: Db, actor: WriteActor, company: StoredCompany) {
  return inTransaction(db, async (trx) => {
    const children = await trx
      .selectFrom('companies')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('parent_id', '=', company.id)
      .executeTakeFirstOrThrow();
    const hasChildren = (count: number | string) =>
      invalid('resourceId', `"${company.name}" has ${count} companies below it; delete or move them first`);
    if (Number(children.count) > 0) throw hasChildren(children.count);
    await trx.deleteFrom('credentials').where('company_id', '=', company.id).execute();
    // A child created since the count (another instance) makes the delete fail on the foreign key.
    await trx
      .deleteFrom('companies')
      .where('id', '=', company.id)
      .execute()
      .catch((error: unknown) => {
        throw isConstraintViolation(error, 'foreignKey') ? hasChildren('new') : error;
      });
    await audited(trx, actor, 'delete', company.resource_id, fieldChangesOf(dtoOf(company, actor.now), null));
    return company.resource_id;
  });
}
