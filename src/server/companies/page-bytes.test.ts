import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeCompany, makeTrickyCompany } from '../../../test/support/sample-companies.js';
import { type SearchCompanyDto, type SearchPage, success } from '../../contract/index.js';
import { piecesOfDtos, piecesOfJson, searchPageBytes } from './page-bytes.js';

// Any UTF-16 code unit, lone surrogates included, so escaping is tested on every kind of character.
const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) });

const totals = {
  pageNumber: 3,
  pageSize: 1000,
  totalNumberOfRecords: 2500,
  totalNumberOfPages: 3,
  limitExceededCompanyCount: 7,
};

const pageOf = (results: SearchCompanyDto[]): SearchPage => ({ ...totals, results });

describe('searchPageBytes', () => {
  it('parses back to the success envelope of the page, written in ASCII only', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(500), anyText, fc.array(anyText, { maxLength: 3 })), { maxLength: 130 }),
        (rows) => {
          const results = rows.map(([index, name, tags]) => ({ ...makeTrickyCompany(index), companyName: name, tags }));
          // The same page from DTOs and from each company's JSON text (as the database writes it).
          for (const pieces of [piecesOfDtos(results), piecesOfJson(results.map((dto) => JSON.stringify(dto)))]) {
            const bytes = searchPageBytes(totals, pieces);
            expect(bytes.every((byte) => byte < 0x80)).toBe(true);
            expect(JSON.parse(bytes.toString('utf8'))).toEqual(success(pageOf(results)));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes an empty page and a page of exactly one piece as valid JSON', () => {
    for (const count of [0, 1, 50, 51, 100]) {
      const results = Array.from({ length: count }, (_, index) => makeCompany(index + 1));
      const bytes = searchPageBytes(totals, piecesOfDtos(results));
      expect(JSON.parse(bytes.toString())).toEqual(success(pageOf(results)));
    }
  });
});
