// Renews one of the test reseller's companies a year on, as the admin would, for the tests of what changed.
import { addDays, dayOf } from '../../src/contract/index.js';
import { type CompanyChanges, updateCompany } from '../../src/server/admin/index.js';
import { companiesBelow } from './companies-below.js';
import type { TestServer } from './test-server.js';

/**
 * Moves the renewal of the reseller's `index`th company renewing after 90 days of `today` a year on (with any other
 * changes given, a new name say); resolves with its resource id.
 */
export async function renewCompanyBelow(
  server: TestServer,
  today: string,
  index: number,
  changes: CompanyChanges = {},
): Promise<string> {
  const rows = await companiesBelow(server, server.credentials.reseller.companyResourceId);
  const dated = rows.filter(
    (row) => row.license_end_at !== null && dayOf(Number(row.license_end_at)) > addDays(today, 90),
  );
  const row = dated[index];
  if (row === undefined) throw new Error('the seeded tree has too few companies to renew');
  await updateCompany(server.storage.db, row.resource_id, {
    ...changes,
    licenseEndDate: addDays(dayOf(Number(row.license_end_at)), 365),
  });
  return row.resource_id;
}
