// A search that is valid but expensive to answer: 100 `Contains` items that match nothing, over company names made
// long straight in the database, so every row is checked against every item (SECURITY.md, "Search queries").
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { searchBody } from './api.js';

/** Makes every name (and its folded copy, which filters read) long, straight in the database. */
export async function padCompanyNames(location: string, padding: number): Promise<void> {
  const text = ` ${'x'.repeat(padding)}`;
  const update = 'update companies set name = name || $1, name_folded = name_folded || $1';
  if (!location.startsWith('postgres')) {
    const database = new Database(location);
    try {
      database.prepare(update.replaceAll('$1', '?')).run(text, text);
    } finally {
      database.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    await client.query(update, [text]);
    await client.query('analyze companies');
  } finally {
    await client.end();
  }
}

/**
 * 100 `Contains` items, none of which matches, so every row is checked against every item. The values are new on
 * every call: a repeated body would be answered from the search cache.
 */
export function expensiveSearchBody() {
  const tag = randomUUID().slice(0, 8);
  const items = Array.from({ length: 100 }, (_, index) => ({
    FieldName: 'CompanyName',
    Operator: 'Contains',
    Value: `q${tag}${index}`,
  }));
  return searchBody({ filter: { Condition: 'AND', FilterGroups: [{ Condition: 'OR', FilterItems: items }] } });
}
