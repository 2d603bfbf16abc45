// Finding the companies a person names: by resource id, or by exact name. A name that several companies carry is
// refused with the candidates listed, since acting on a guess would change the wrong company.
import { type CompanyDto, RESOURCE_ID_PATTERN, type SearchCompanyDto } from '../contract/index.js';
import type { Companies } from './companies.js';
import { NotFoundError, ValidationError } from './errors.js';

/** How many candidates an ambiguous name's error lists. */
const LISTED_CANDIDATES = 10;

export interface NamedCompany {
  /** What the caller wrote. */
  reference: string;
  company: CompanyDto;
}

/** Whether `reference` has the shape of a resource id (a company may still carry such a name). */
export const looksLikeResourceId = (reference: string): boolean => RESOURCE_ID_PATTERN.test(reference);

async function byResourceId(companies: Pick<Companies, 'get'>, reference: string): Promise<CompanyDto | undefined> {
  if (!looksLikeResourceId(reference)) return undefined;
  try {
    return await companies.get(reference);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** The companies the credential sees whose name is exactly `name` (the server's `=` ignores case; this does not). */
async function byExactName(companies: Pick<Companies, 'iterate'>, name: string): Promise<SearchCompanyDto[]> {
  const filter = {
    Condition: 'AND',
    FilterGroups: [{ Condition: 'AND', FilterItems: [{ FieldName: 'CompanyName', Operator: '=', Value: name }] }],
  };
  const matches: SearchCompanyDto[] = [];
  for await (const row of companies.iterate({ filter })) if (row.companyName === name) matches.push(row);
  return matches;
}

function ambiguity(name: string, candidates: readonly SearchCompanyDto[]): ValidationError {
  const listed = candidates
    .slice(0, LISTED_CANDIDATES)
    .map((row) => `${row.companyResourceId} (${row.resellerName ?? 'no reseller'})`);
  const more = candidates.length > LISTED_CANDIDATES ? `, and ${candidates.length - LISTED_CANDIDATES} more` : '';
  return new ValidationError(
    `${candidates.length} companies are named "${name}": ${listed.join(', ')}${more}; name one by its resource id`,
  );
}

/** One company by resource id or exact name: a NotFoundError when none, a ValidationError when the name is shared. */
export async function resolveCompany(
  companies: Pick<Companies, 'get' | 'iterate'>,
  reference: string,
): Promise<CompanyDto> {
  const byId = await byResourceId(companies, reference);
  if (byId !== undefined) return byId;
  const matches = await byExactName(companies, reference);
  const [only] = matches;
  if (only === undefined) throw new NotFoundError(`no company has the resource id or name "${reference}"`);
  if (matches.length > 1) throw ambiguity(reference, matches);
  return companies.get(only.companyResourceId);
}

/** Each reference resolved in turn (in the order given, each company once); the first that fails stops it. */
export async function resolveCompanies(
  companies: Pick<Companies, 'get' | 'iterate'>,
  references: readonly string[],
): Promise<NamedCompany[]> {
  const named: NamedCompany[] = [];
  const seen = new Set<string>();
  for (const reference of references) {
    const company = await resolveCompany(companies, reference);
    if (seen.has(company.resourceId)) continue;
    seen.add(company.resourceId);
    named.push({ reference, company });
  }
  return named;
}
