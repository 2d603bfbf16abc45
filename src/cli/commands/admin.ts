// `lapse admin`: the operator's commands on the database itself: companies (create, update, import a CSV in the
// export's layout), API credentials (create, list, disable) and token signing keys (list, rotate, revoke).
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { ROLES } from '../../contract/index.js';
import {
  AdminError,
  type CompanyChanges,
  type CompanyInput,
  type CompanyListing,
  type CompanySummary,
  type CompanyTreeNode,
  cappedDetails,
  companyTree,
  createCompany,
  createCredential,
  disableCredential,
  importCompanies,
  listCompanies,
  listCredentials,
  listSigningKeys,
  revokeSigningKey,
  rotateSigningKey,
  type SigningKeyListing,
  updateCompany,
} from '../../server/admin/index.js';
import { openStorage, type Storage } from '../../server/db/index.js';
import type { RegisterCommands } from '../command-module.js';
import type { Environment } from '../environment.js';
import { EXIT_CODES } from '../exit-codes.js';
import { integerOption } from '../integer-option.js';
import { type DatabaseFlags, printJson, withDatabaseOption } from './database-option.js';

/** The admin commands change a database: without --database they use ./lapse.db only when it exists. */
const withAdminDatabase = (command: Command, environment: Environment) =>
  withDatabaseOption(command, environment, { isDefaultRequiredToExist: true });

async function withStorage<T>(location: string, work: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openStorage(location, { maxConnections: 2 });
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

const count = integerOption({ min: 0 });

const collect = (value: string, previous: string[] = []) => [...previous, value];
const noneAsNull = (text: string) => (text === 'none' ? null : text);

interface CompanyFlags extends DatabaseFlags {
  name?: string;
  parent?: string;
  resourceId?: string;
  industry?: string;
  licenseType?: string;
  licenseStartDate?: string;
  renewalDate?: string;
  userLimit?: number;
  unlimited?: boolean;
  targetUsers?: number;
  inactiveUsers?: number;
  deletedUsers?: number;
  monthlyUsers?: number;
  privacyDurationId?: number;
  tag?: string[];
  clearTags?: boolean;
  timeZone?: string;
}

function withCompanyFieldOptions(command: Command, environment: Environment): Command {
  return withAdminDatabase(
    command
      .option('--industry <id|name>', 'industry (a new name is added to the catalogue; "" clears it)')
      .option('--license-type <id|name>', 'licence type (a new name is added to the catalogue; "" clears it)')
      .option('--license-start-date <YYYY-MM-DD>', 'licence start ("none" clears it)')
      .option('--renewal-date <YYYY-MM-DD>', 'renewal date, licenseEndDate ("none": open-ended)')
      .addOption(
        new Option('--user-limit <n>', 'licence limit (number of users)').argParser(count).conflicts('unlimited'),
      )
      .option('--unlimited', 'no licence limit')
      .option('--target-users <n>', 'target user count', count)
      .option('--inactive-users <n>', 'inactive target user count', count)
      .option('--deleted-users <n>', 'deleted target user count', count)
      .option('--monthly-users <n>', 'monthly active user count', count)
      .option('--privacy-duration-id <n>', 'privacy duration id', count)
      .option('--tag <tag>', 'a tag (repeat for several; replaces the tags)', collect)
      .option('--clear-tags', 'remove every tag')
      .option('--time-zone <IANA>', 'time zone id ("none" clears it)'),
    environment,
  );
}

function changesFrom(flags: CompanyFlags): CompanyChanges {
  const changes: CompanyChanges = {};
  if (flags.name !== undefined) changes.name = flags.name;
  if (flags.parent !== undefined) changes.parent = flags.parent;
  if (flags.industry !== undefined) changes.industry = flags.industry;
  if (flags.licenseType !== undefined) changes.licenseType = flags.licenseType;
  if (flags.licenseStartDate !== undefined) changes.licenseStartDate = noneAsNull(flags.licenseStartDate);
  if (flags.renewalDate !== undefined) changes.licenseEndDate = noneAsNull(flags.renewalDate);
  if (flags.unlimited) changes.isNumberOfUsersLimited = false;
  if (flags.userLimit !== undefined) {
    changes.isNumberOfUsersLimited = true;
    changes.numberOfUsers = flags.userLimit;
  }
  if (flags.targetUsers !== undefined) changes.targetUserCount = flags.targetUsers;
  if (flags.inactiveUsers !== undefined) changes.inactiveTargetUserCount = flags.inactiveUsers;
  if (flags.deletedUsers !== undefined) changes.deletedTargetUserCount = flags.deletedUsers;
  if (flags.monthlyUsers !== undefined) changes.monthlyActiveUserCount = flags.monthlyUsers;
  if (flags.privacyDurationId !== undefined) changes.privacyDurationId = flags.privacyDurationId;
  if (flags.clearTags) changes.tags = [];
  if (flags.tag !== undefined) changes.tags = flags.tag;
  if (flags.timeZone !== undefined) changes.timeZoneId = noneAsNull(flags.timeZone);
  return changes;
}

function printCompany(summary: CompanySummary, verb: string, flags: DatabaseFlags): void {
  if (flags.json) {
    printJson(summary);
    return;
  }
  const reseller = summary.resellerName === null ? 'no reseller (platform root)' : `reseller "${summary.resellerName}"`;
  process.stdout.write(`${verb} ${summary.resourceId} "${summary.name}" under ${reseller}, depth ${summary.depth}\n`);
}

function registerCompanyCommands(admin: Command, environment: Environment): void {
  const company = admin.command('company').description('create, change or import companies');
  withCompanyFieldOptions(
    company
      .command('create')
      .description('create a company under a reseller')
      .requiredOption('--name <name>', 'company name')
      .option('--parent <id|name>', 'its reseller (required unless the database has no company yet)')
      .option('--resource-id <id>', 'keep this resource id ([A-Za-z0-9]{12}) instead of a new random one'),
    environment,
  ).action(async (flags: CompanyFlags) => {
    const input: CompanyInput = { ...changesFrom(flags), name: flags.name ?? '', parent: flags.parent ?? null };
    if (flags.resourceId !== undefined) input.resourceId = flags.resourceId;
    printCompany(await withStorage(flags.database, (storage) => createCompany(storage.db, input)), 'Created', flags);
  });
  withCompanyFieldOptions(
    company
      .command('update')
      .description('change a company; --parent moves it (and everything below it) to another reseller')
      .argument('<company>', 'resource id or unique name')
      .option('--name <name>', 'new name (its children’s reseller name follows)')
      .option('--parent <id|name>', 'new reseller'),
    environment,
  ).action(async (reference: string, flags: CompanyFlags) => {
    const changes = changesFrom(flags);
    const summary = await withStorage(flags.database, (storage) => updateCompany(storage.db, reference, changes));
    printCompany(summary, 'Updated', flags);
  });
  withAdminDatabase(
    company
      .command('import')
      .description(
        'create or update companies from a CSV in the export layout (plus an optional "Reseller ID" column), ' +
          'resellers before their companies whatever the order of the lines; all or nothing',
      )
      .argument('<file.csv>', 'the CSV file')
      .option(
        '--create-parents',
        'create a reseller neither the database nor the file holds (under the platform root, or as the root)',
      ),
    environment,
  ).action(async (file: string, flags: ImportFlags) => {
    const text = await readFile(file);
    const options = { createParents: flags.createParents === true };
    const summary = await withStorage(flags.database, (storage) => importCompanies(storage.db, text, options)).catch(
      printProblems,
    );
    if (summary === undefined) return;
    if (flags.json) return printJson(summary);
    const parents = summary.createdParents ? ` (and ${summary.createdParents} reseller(s) created)` : '';
    process.stdout.write(`Imported ${file}: ${summary.created} created, ${summary.updated} updated${parents}\n`);
  });
  registerListingCommands(company, environment);
}

/** An import's bad lines, one a line under the headline (the first few, then how many more), exit 2. */
function printProblems(error: unknown): undefined {
  if (!(error instanceof AdminError) || error.details.length === 0) throw error;
  const lines = cappedDetails(error.details).map((detail) => `  ${detail}\n`);
  process.stderr.write(`lapse admin company import: ${error.headline}\n${lines.join('')}`);
  process.exitCode = EXIT_CODES.usage;
  return undefined;
}

interface ImportFlags extends DatabaseFlags {
  createParents?: boolean;
}

interface ListingFlags extends DatabaseFlags {
  under?: string;
}

function printTree(nodes: CompanyTreeNode[], indent = ''): void {
  for (const node of nodes) {
    const below = node.descendantCount > 0 ? `, ${node.descendantCount} below` : '';
    process.stdout.write(`${indent}${node.name} (${node.resourceId}${below})\n`);
    printTree(node.children, `${indent}  `);
  }
}

function printListing(companies: CompanyListing[]): void {
  for (const c of companies) {
    const reseller = c.resellerName === null ? '' : `  (reseller ${c.resellerName})`;
    process.stdout.write(`${c.resourceId}  ${(c.renewalDate ?? 'open-ended').padEnd(10)}  ${c.name}${reseller}\n`);
  }
}

function registerListingCommands(company: Command, environment: Environment): void {
  const views = [
    { name: 'list', description: 'list the companies, resellers before their companies', read: listCompanies },
    { name: 'tree', description: 'the companies as a tree, with how many are below each reseller', read: companyTree },
  ] as const;
  for (const view of views) {
    withAdminDatabase(
      company
        .command(view.name)
        .description(view.description)
        .option('--under <id|name>', 'only this company and those below it'),
      environment,
    ).action(async (flags: ListingFlags) => {
      const companies = await withStorage(flags.database, (storage) => view.read(storage.db, flags.under));
      if (flags.json) return printJson(companies);
      if (view.name === 'tree') printTree(companies as CompanyTreeNode[]);
      else printListing(companies);
      if (companies.length === 0) process.stdout.write('No companies.\n');
    });
  }
}

interface CredentialFlags extends DatabaseFlags {
  company: string;
  role: string;
  description?: string;
}

function registerCredentialCommands(admin: Command, environment: Environment): void {
  const credential = admin.command('credential').description('API credentials (client id + secret)');
  withAdminDatabase(
    credential
      .command('create')
      .description('create a credential; its secret is shown once')
      .requiredOption('--company <id|name>', 'the company it acts for')
      .addOption(new Option('--role <role>', 'client role').choices(ROLES).makeOptionMandatory())
      .option('--description <text>', 'a note for the operator'),
    environment,
  ).action(async (flags: CredentialFlags) => {
    const input = { company: flags.company, role: flags.role, description: flags.description };
    const created = await withStorage(flags.database, (storage) => createCredential(storage.db, input));
    const notice = 'The client secret is not shown again: store it now.';
    if (flags.json) {
      printJson(created);
      process.stderr.write(`${notice}\n`);
      return;
    }
    const lines = [
      `Client ID:     ${created.clientId}`,
      `Client secret: ${created.clientSecret}`,
      `Role:          ${created.role}`,
      `Company:       ${created.companyName} (${created.companyResourceId})`,
      notice,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
  withAdminDatabase(
    credential.command('list').description('list credentials (never their secrets)'),
    environment,
  ).action(async (flags: DatabaseFlags) => {
    const credentials = await withStorage(flags.database, (storage) => listCredentials(storage.db));
    if (flags.json) return printJson(credentials);
    for (const c of credentials) {
      const state = c.isDisabled ? 'disabled' : 'active';
      process.stdout.write(
        `${c.clientId}  ${c.role.padEnd(13)}  ${state.padEnd(8)}  ${c.createdAt}  ${c.companyName} (${c.companyResourceId})\n`,
      );
    }
    if (credentials.length === 0) process.stdout.write('No credentials.\n');
  });
  withAdminDatabase(
    credential
      .command('disable')
      .description('disable a credential: it gets no new tokens and its tokens stop working')
      .argument('<clientId>', 'the client id'),
    environment,
  ).action(async (clientId: string, flags: DatabaseFlags) => {
    const disabled = await withStorage(flags.database, (storage) => disableCredential(storage.db, clientId));
    if (flags.json) return printJson(disabled);
    process.stdout.write(`Disabled ${disabled.clientId} (${disabled.role}, ${disabled.companyName})\n`);
  });
}

function printKey(key: SigningKeyListing): void {
  const until = key.verifiesUntil === null ? '' : `  verifies until ${key.verifiesUntil}`;
  const held = key.isPrivateKeyStored ? 'private key in the database' : 'public key only';
  process.stdout.write(`${key.kid}  ${key.state.padEnd(9)}  ${key.createdAt}  ${held}${until}\n`);
}

function registerKeyCommands(admin: Command, environment: Environment): void {
  const keys = admin.command('keys').description('token signing keys (SECURITY.md, "Signing keys")');
  withAdminDatabase(keys.command('list').description('list signing keys and what each does'), environment).action(
    async (flags: DatabaseFlags) => {
      const listed = await withStorage(flags.database, (storage) => listSigningKeys(storage.db));
      if (flags.json) return printJson(listed);
      for (const key of listed) printKey(key);
      if (listed.length === 0) process.stdout.write('No signing keys: a server makes one when it first signs.\n');
    },
  );
  withAdminDatabase(
    keys
      .command('rotate')
      .description('a new key signs at once; the old one verifies the tokens it signed until they expire'),
    environment,
  ).action(async (flags: DatabaseFlags) => {
    const created = await withStorage(flags.database, (storage) => rotateSigningKey(storage.db));
    if (flags.json) return printJson(created);
    process.stdout.write(`Rotated: ${created.kid} signs from now on\n`);
  });
  withAdminDatabase(
    keys
      .command('revoke')
      .description('the key verifies no token from now on, on every server')
      .argument('<kid>', 'the key id (lapse admin keys list)'),
    environment,
  ).action(async (kid: string, flags: DatabaseFlags) => {
    const revoked = await withStorage(flags.database, (storage) => revokeSigningKey(storage.db, kid));
    if (flags.json) return printJson(revoked);
    process.stdout.write(`Revoked ${revoked.kid}: tokens it signed are refused from now on\n`);
  });
}

export const register: RegisterCommands = (program, environment) => {
  const admin = program
    .command('admin')
    .description("operator's commands on the database: companies, credentials, signing keys");
  registerCompanyCommands(admin, environment);
  registerCredentialCommands(admin, environment);
  registerKeyCommands(admin, environment);
};
