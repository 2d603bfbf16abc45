import { describe, expect, it } from 'vitest';
import { searchCompanyDto } from '../../../test/support/search-company-dto.js';
import { describeProgress } from '../progress.js';
import { renderTable } from './table.js';

const companies = [
  searchCompanyDto('AAAAAAAAAAAA', {
    companyName: 'A company with a very long name indeed',
    resellerName: 'A reseller whose name runs on and on',
  }),
  searchCompanyDto('BBBBBBBBBBBB', { companyName: 'Short', licenseEndDate: '2026-03-20T00:00:00Z' }),
];
const lines = (text: string) => text.trimEnd().split('\n');

describe('the table', () => {
  it('aligns columns without rules, numbers to the right, nothing cut without a width', () => {
    const table = lines(renderTable(companies, '2026-03-10'));
    expect(table).toHaveLength(3);
    expect(table[0]).toMatch(/^Company +Company ID +Reseller +Renewal date +Days +Users \/ limit$/);
    expect(table[1]).toContain('A company with a very long name indeed');
    expect(table[1]).toMatch(/ 59 overdue +5 \/ 10$/);
    expect(table[2]).toMatch(/ 10 left +5 \/ 10$/);
    // Right-aligned: the days end in the same column on every line.
    const end = (line: string | undefined, word: string) => (line ?? '').indexOf(word) + word.length;
    expect(end(table[1], 'overdue')).toBe(end(table[2], 'left'));
    expect(end(table[0], 'Days')).toBe(end(table[2], 'left'));
  });

  it('narrows the names with … to fit, then leaves out the reseller and the users', () => {
    for (const width of [100, 80, 66, 52]) {
      for (const line of lines(renderTable(companies, '2026-03-10', { width }))) {
        expect([...line].length, `${width}: ${line}`).toBeLessThanOrEqual(width);
      }
    }
    const eighty = lines(renderTable(companies, '2026-03-10', { width: 80 }));
    expect(eighty[0]).toContain('Reseller');
    expect(eighty[1]).toMatch(/^A company … +AAAAAAAAAAAA +A reseller … /);
    const narrow = lines(renderTable(companies, '2026-03-10', { width: 66 }));
    expect(narrow[0]).toMatch(/^Company +Company ID +Renewal date +Days +Users \/ limit$/);
    const narrower = lines(renderTable(companies, '2026-03-10', { width: 52 }));
    expect(narrower[0]).toMatch(/^Company +Company ID +Renewal date +Days$/);
  });

  it('adds the creation day when asked', () => {
    expect(lines(renderTable(companies, '2026-03-10', { showCreated: true }))[1]).toContain('2020-01-01');
  });
});

describe('the progress line', () => {
  it('says the page and the rows read, and never a kept count that lags a page behind', () => {
    const text = describeProgress({
      strategy: 'server-filter',
      pageNumber: 1,
      totalNumberOfPages: 1,
      seen: 308,
      kept: 0,
    });
    expect(text).toBe('server-filter: page 1 of 1, 308 rows read');
  });
});
