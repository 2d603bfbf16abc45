// Finding what an operator names: a company by resource id or unique name, a catalogue entry by id or name.
import type { Selectable } from 'kysely';
import { RESOURCE_ID_PATTERN } from '../../contract/index.js';
import type { CompaniesTable, Db } from '../db/index.js';
import { foldText } from '../db/index.js';
import { AdminError, AdminNotFoundError } from './admin-error.js';
import type { CatalogueEntry } from './company-row.js';
import { randomResourceId } from './resource-id.js';

export type StoredCompany = Selectable<CompaniesTable>;

export async function findCompanyByResourceId(db: Db, resourceId: string): Promise<StoredCompany | undefined> {
  return db.selectFrom('companies').selectAll().where('resource_id', '=', resourceId).executeTakeFirst();
}

/**
 * Matched on the folded name (indexed); among several, an exact match wins. Undefined when none; an error when the
 * name is ambiguous, since acting on a guess would change the wrong company.
 */
export async function findCompanyByName(db: Db, name: string): Promise<StoredCompany | undefined> {
  const matches = await db
    .selectFrom('companies')
    .selectAll()
    .where('name_folded', '=', foldText(name))
    .limit(50)
    .execute();
  const exact = matches.filter((company) => company.name === name);
  const candidates = exact.length > 0 ? exact : matches;
  if (candidates.length > 1) {
    const ids = candidates.slice(0, 5).map((company) => company.resource_id);
    throw new AdminError(`${candidates.length} companies are named "${name}" (${ids.join(', ')}…): use a resource id`);
  }
  return candidates[0];
}

/** `reference`: a company resource id or a unique company name. */
export async function resolveCompany(db: Db, reference: string): Promise<StoredCompany> {
  const byId = RESOURCE_ID_PATTERN.test(reference) ? await findCompanyByResourceId(db, reference) : undefined;
  const company = byId ?? (await findCompanyByName(db, reference));
  if (company === undefined) throw new AdminNotFoundError(`No company has the resource id or name "${reference}"`);
  return company;
}

export type CatalogueTableName = 'industries' | 'license_types';

/** An entry by resource id or (case-insensitive) name; a name not in the catalogue yet is added to it. */
export async function resolveCatalogueEntry(
  db: Db,
  table: CatalogueTableName,
  reference: string,
): Promise<CatalogueEntry> {
  const entries = await db.selectFrom(table).select(['resource_id', 'name']).execute();
  const folded = foldText(reference);
  const entry =
    entries.find((candidate) => candidate.resource_id === reference) ??
    entries.find((candidate) => candidate.name === reference) ??
    entries.find((candidate) => foldText(candidate.name) === folded);
  if (entry !== undefined) return { resourceId: entry.resource_id, name: entry.name };
  if (reference.trim() === '') throw new AdminError('An industry or licence type name cannot be blank');
  const added = { resource_id: randomResourceId(), name: reference };
  await db.insertInto(table).values(added).execute();
  return { resourceId: added.resource_id, name: added.name };
}
