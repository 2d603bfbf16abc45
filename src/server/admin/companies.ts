// Creating, changing and moving companies. Every write rebuilds the whole row through buildCompanyRow, then keeps
// the copies elsewhere in step: a rename updates the children's reseller name, a move rewrites the subtree's paths.
import { sql } from 'kysely';
import { RESOURCE_ID_PATTERN } from '../../contract/index.js';
import type { Db } from '../db/index.js';
import { isInSubtree, parentIdOf, rebasedPathSql, subtreeCondition } from '../db/index.js';
import { AdminError } from './admin-error.js';
import { type CompanyChanges, fieldsOfStored, resolveFieldChanges } from './company-changes.js';
import { findCompanyByResourceId, resolveCompany, type StoredCompany } from './company-reference.js';
import { buildCompanyRow, type CompanyFields, type ParentPlacement } from './company-row.js';
import { randomResourceId } from './resource-id.js';

export interface CompanyInput extends CompanyChanges {
  name: string;
  /** Resource id or unique name of the reseller (parent); null creates the platform root of an empty tree. */
  parent: string | null;
  /** Kept when given (an import keeps the ids it reads); a new random id otherwise. */
  resourceId?: string;
}

export interface CompanySummary {
  resourceId: string;
  name: string;
  parentResourceId: string | null;
  resellerName: string | null;
  depth: number;
  path: string;
}

/** Runs `work` in a transaction, or in the caller's when `db` already is one (an import's many writes). */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

function summarise(company: StoredCompany): CompanySummary {
  return {
    resourceId: company.resource_id,
    name: company.name,
    parentResourceId: parentIdOf(company.path),
    resellerName: company.reseller_name,
    depth: company.depth,
    path: company.path,
  };
}

const placementOf = (company: StoredCompany | null): ParentPlacement | null =>
  company === null ? null : { id: company.id, name: company.name, path: company.path, depth: company.depth };

async function companyById(db: Db, id: number): Promise<StoredCompany> {
  return db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function newResourceId(db: Db, requested: string | undefined): Promise<string> {
  if (requested === undefined) return randomResourceId();
  if (!RESOURCE_ID_PATTERN.test(requested))
    throw new AdminError(`"${requested}" is not a resource id ([A-Za-z0-9]{12})`);
  if (await findCompanyByResourceId(db, requested))
    throw new AdminError(`A company with id ${requested} exists already`);
  return requested;
}

async function parentForNewCompany(db: Db, parent: string | null): Promise<StoredCompany | null> {
  if (parent !== null && parent !== '') return resolveCompany(db, parent);
  const root = await db.selectFrom('companies').select('resource_id').where('parent_id', 'is', null).executeTakeFirst();
  if (root !== undefined) throw new AdminError(`A company needs a reseller (the platform root is ${root.resource_id})`);
  return null;
}

export async function createCompanyIn(db: Db, input: CompanyInput, now: number): Promise<CompanySummary> {
  const parent = await parentForNewCompany(db, input.parent);
  const defaults: CompanyFields = {
    resourceId: await newResourceId(db, input.resourceId),
    name: input.name,
    industry: null,
    licenseType: null,
    isNumberOfUsersLimited: input.numberOfUsers !== undefined,
    numberOfUsers: 0,
    licenseStartAt: null,
    licenseEndAt: null,
    createdAt: now,
    targetUserCount: 0,
    inactiveTargetUserCount: 0,
    deletedTargetUserCount: 0,
    monthlyActiveUserCount: 0,
    tags: [],
    privacyDurationId: 1,
    timeZoneId: null,
  };
  const fields = { ...defaults, ...(await resolveFieldChanges(db, input, null)) };
  await db
    .insertInto('companies')
    .values(buildCompanyRow(fields, placementOf(parent)))
    .execute();
  return summarise((await findCompanyByResourceId(db, fields.resourceId)) as StoredCompany);
}

/** Whether `reference` names the company's current parent, so a round-tripped export does not "move" anything. */
function namesParent(reference: string, company: StoredCompany): boolean {
  return reference === company.reseller_name || reference === parentIdOf(company.path);
}

async function newParentFor(db: Db, company: StoredCompany, reference: string | null): Promise<StoredCompany> {
  if (company.parent_id === null) throw new AdminError('The platform root has no reseller and cannot be moved');
  if (reference === null || reference === '') throw new AdminError(`"${company.name}" needs a reseller`);
  const target = await resolveCompany(db, reference);
  if (isInSubtree(target.path, company.path, true)) {
    const where = target.id === company.id ? 'itself' : `"${target.name}", which is below it`;
    throw new AdminError(`Cannot move "${company.name}" under ${where}`);
  }
  return target;
}

export async function updateCompanyIn(
  db: Db,
  company: StoredCompany,
  changes: CompanyChanges,
): Promise<CompanySummary> {
  const fields = { ...fieldsOfStored(company), ...(await resolveFieldChanges(db, changes, company)) };
  const isMove = changes.parent !== undefined && !(changes.parent !== null && namesParent(changes.parent, company));
  const parent = isMove
    ? await newParentFor(db, company, changes.parent ?? null)
    : company.parent_id === null
      ? null
      : await companyById(db, company.parent_id);
  const row = buildCompanyRow(fields, placementOf(parent));
  await db.updateTable('companies').set(row).where('id', '=', company.id).execute();
  if (row.name !== company.name) {
    await db
      .updateTable('companies')
      .set({ reseller_name: row.name, reseller_name_folded: row.name_folded })
      .where('parent_id', '=', company.id)
      .execute();
  }
  if (row.path !== company.path) {
    // One statement for the whole subtree: swap the old path prefix for the new one and shift the depth.
    await db
      .updateTable('companies')
      .set({
        path: rebasedPathSql(company.path, row.path),
        depth: sql<number>`depth + ${(row.depth ?? 0) - company.depth}`,
      })
      .where(subtreeCondition(company.path, false))
      .execute();
  }
  return summarise(await companyById(db, company.id));
}

export function createCompany(db: Db, input: CompanyInput, now = Date.now()): Promise<CompanySummary> {
  return inTransaction(db, (trx) => createCompanyIn(trx, input, now));
}

/** `company`: resource id or unique name. */
export function updateCompany(db: Db, company: string, changes: CompanyChanges): Promise<CompanySummary> {
  return inTransaction(db, async (trx) => updateCompanyIn(trx, await resolveCompany(trx, company), changes));
}
