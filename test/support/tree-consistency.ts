// A check of the copies the company table keeps (schema.ts): path, depth, reseller name, folded columns. Tests run
// it after every kind of write; it reads the whole table, so it is for test-sized databases and offline checks.
import { foldTags, foldText } from '../../src/server/db/fold-text.js';
import type { Db } from '../../src/server/db/storage.js';
import { childPath } from '../../src/server/db/tree-path.js';

const foldNullable = (text: string | null) => (text === null ? null : foldText(text));

/** One line per company whose stored copies disagree with their sources; empty when all agree. */
export async function findTreeInconsistencies(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('companies').selectAll().execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const problems: string[] = [];
  for (const row of rows) {
    const parent = row.parent_id === null ? undefined : byId.get(row.parent_id);
    const expected = {
      path: childPath(parent?.path ?? null, row.resource_id),
      depth: parent === undefined ? 0 : parent.depth + 1,
      reseller_name: parent?.name ?? null,
      reseller_name_folded: foldNullable(parent?.name ?? null),
      name_folded: foldText(row.name),
      industry_name_folded: foldNullable(row.industry_name),
      license_type_name_folded: foldNullable(row.license_type_name),
      tags_folded: foldTags(JSON.parse(row.tags) as string[]),
    };
    for (const [column, value] of Object.entries(expected)) {
      const stored = row[column as keyof typeof expected];
      if (stored !== value)
        problems.push(`${row.resource_id}.${column} is ${JSON.stringify(stored)}, not ${JSON.stringify(value)}`);
    }
  }
  return problems;
}
