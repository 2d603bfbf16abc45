// Turns what a server sent into the contract's DTOs (contract §4, §6, §8): any key case, numbers sent as
// strings, `numberOfUsers` as a number, dates with or without a zone offset (none = UTC), extra fields dropped.
// Each DTO is read by the reader derived from its contract schema.
import { Type } from '@sinclair/typebox';
import {
  type CompanyDto,
  CompanyDtoSchema,
  type MyCompanyNode,
  MyCompanyNodeSchema,
  SearchCompanyChildSchema,
  type SearchCompanyDto,
  SearchCompanyDtoSchema,
  type SearchPage,
} from '../contract/index.js';
import { isRecord, readKey } from './envelope.js';
import { compileCanonicalCheck, deriveReader, toInteger } from './schema-reader.js';

export { normaliseDateTime } from './schema-reader.js';

/**
 * A flat row as lapse and well-behaved servers send it (camelCase keys with their contract types, canonical
 * dates, no extra keys, no children) is taken as it is.
 */
const isCanonicalSearchCompany = compileCanonicalCheck(SearchCompanyChildSchema);
const readSearchCompany = deriveReader(SearchCompanyDtoSchema);

export function normaliseSearchCompany(raw: unknown): SearchCompanyDto {
  return isCanonicalSearchCompany(raw) ? raw : readSearchCompany(raw);
}

export function normaliseSearchPage(raw: unknown, requested: { pageNumber: number; pageSize: number }): SearchPage {
  const record = isRecord(raw) ? raw : {};
  const get = (key: string) => readKey(record, key);
  const rawResults = get('results') ?? get('items');
  const results = Array.isArray(rawResults) ? rawResults.map(normaliseSearchCompany) : [];
  const pageSize = toInteger(get('pageSize')) || requested.pageSize;
  const totalNumberOfRecords = toInteger(get('totalNumberOfRecords') ?? get('totalCount')) ?? results.length;
  return {
    pageNumber: toInteger(get('pageNumber')) ?? requested.pageNumber,
    pageSize,
    totalNumberOfRecords,
    // contract §4: totalNumberOfPages = ceil(total / pageSize); computed when a server leaves it out.
    totalNumberOfPages: toInteger(get('totalNumberOfPages')) ?? Math.ceil(totalNumberOfRecords / pageSize),
    limitExceededCompanyCount: toInteger(get('limitExceededCompanyCount')) ?? 0,
    results,
  };
}

/** contract §6: `numberOfUsers` is an int here (unlike the search DTO). */
export const normaliseCompany: (raw: unknown) => CompanyDto = deriveReader(CompanyDtoSchema);

/** contract §6: a Reseller's tree, or a Company Admin's own company (one node where a list belongs). */
export const normaliseMyCompanies: (raw: unknown) => MyCompanyNode[] = deriveReader(Type.Array(MyCompanyNodeSchema));
