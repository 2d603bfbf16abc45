// The CLI's edges without a server: --where expressions, --within, integer flags, the day D, configuration
// precedence, the environment and the exit-code table.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWithinDays } from '../src/cli/commands/renewals.js';
import { filterFrom, parseWhere } from '../src/cli/commands/where-expression.js';
import { loadClientConfig, readConfigFile, writeConfigFile } from '../src/cli/config.js';
import { readEnvironment } from '../src/cli/environment.js';
import { EXIT_CODES, exitCodeFor, UsageError } from '../src/cli/exit-codes.js';
import { integerFromEnvironment, integerOption } from '../src/cli/integer-option.js';
import { describeDaysLeft } from '../src/cli/output/index.js';
import {
  AuthError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ValidationError,
} from '../src/client/index.js';
import { AsOfError, renewalDayOf, resolveAsOf } from '../src/contract/index.js';
import { AdminError } from '../src/server/admin/index.js';
import { CopyRefusedError } from '../src/server/db/copy-database.js';
import { requireBuiltCli, runCli } from './support/cli-process.js';

describe('--where', () => {
  it('parses word and symbol operators, canonical field names and quoted values', () => {
    expect(parseWhere('companyname contains "Acme Ltd"')).toEqual({
      FieldName: 'CompanyName',
      Operator: 'Contains',
      Value: 'Acme Ltd',
    });
    expect(parseWhere('TargetUserCount>=100')).toEqual({ FieldName: 'TargetUserCount', Operator: '>=', Value: '100' });
    expect(parseWhere('RenewalDate < 2026-01-01')).toEqual({
      FieldName: 'LicenseEndDate',
      Operator: '<',
      Value: '2026-01-01',
    });
  });
  it('rejects unknown fields and operators a field does not take', () => {
    expect(() => parseWhere('Colour = red')).toThrow(UsageError);
    expect(() => parseWhere('CompanyName > b')).toThrow(/does not take/);
    expect(() => parseWhere('nonsense')).toThrow(UsageError);
  });
  it('ANDs repeated items in one group', () => {
    expect(filterFrom(['Tags = vip', 'TargetUserCount > 5'], undefined)).toEqual({
      Condition: 'AND',
      SearchInputTextValue: '',
      FilterGroups: [
        {
          Condition: 'AND',
          FilterItems: [
            { FieldName: 'Tags', Operator: '=', Value: 'vip' },
            { FieldName: 'TargetUserCount', Operator: '>', Value: '5' },
          ],
        },
      ],
    });
  });
});

describe('--within', () => {
  it('accepts 30d and 30', () => {
    expect(parseWithinDays('30d')).toBe(30);
    expect(parseWithinDays('30')).toBe(30);
    expect(parseWithinDays('0d')).toBe(0);
    expect(() => parseWithinDays('a month')).toThrow();
  });
  it('accepts spaces and an upper-case D, and refuses a negative or fractional count', () => {
    expect(parseWithinDays(' 7 D ')).toBe(7);
    expect(() => parseWithinDays('-1d')).toThrow('expected a whole number from 0 to 99999');
    expect(() => parseWithinDays('1.5')).toThrow('expected a whole number');
  });
});

describe('integer flags', () => {
  it('take digits within the range, and refuse anything else with one message shape', () => {
    const port = integerOption({ min: 0, max: 65_535 });
    expect(port('0')).toBe(0);
    expect(port(' 8080 ')).toBe(8080);
    for (const text of ['', '-1', '65536', '1e3', '0x10', '8.0', '80 80']) {
      expect(() => port(text), text).toThrow('expected a whole number from 0 to 65535');
    }
    expect(() => integerOption({ min: 1 })('0')).toThrow('expected a whole number, 1 or more');
    expect(() => integerOption({ min: 0 })('99999999999999999999')).toThrow('expected a whole number, 0 or more');
  });

  it('read an integer variable the same way, unset or empty meaning the default', () => {
    const range = { min: 1, max: 10 };
    expect(integerFromEnvironment({ LAPSE_PORT: '7' }, 'LAPSE_PORT', range)).toBe(7);
    expect(integerFromEnvironment({ LAPSE_PORT: '' }, 'LAPSE_PORT', range)).toBeUndefined();
    expect(integerFromEnvironment({}, 'LAPSE_PORT', range)).toBeUndefined();
    expect(() => integerFromEnvironment({ LAPSE_PORT: '11' }, 'LAPSE_PORT', range)).toThrow(
      new UsageError('LAPSE_PORT is "11": expected a whole number from 1 to 10'),
    );
  });
});

describe('the day D', () => {
  const now = () => Date.parse('2026-03-10T20:00:00Z');
  it('is the as-of day when named, else today in the zone by the clock passed in', () => {
    expect(resolveAsOf({}, now)).toEqual({ asOf: '2026-03-10', timeZone: 'UTC' });
    expect(resolveAsOf({ timeZone: 'Pacific/Auckland' }, now)).toEqual({
      asOf: '2026-03-11',
      timeZone: 'Pacific/Auckland',
    });
    expect(resolveAsOf({ asOf: '2026-01-31', timeZone: 'America/Los_Angeles' }, now)).toEqual({
      asOf: '2026-01-31',
      timeZone: 'America/Los_Angeles',
    });
  });
  it('refuses an unknown zone or a day that is not YYYY-MM-DD, as a usage error', () => {
    expect(() => resolveAsOf({ timeZone: 'Mars/Olympus' }, now)).toThrow(AsOfError);
    expect(() => resolveAsOf({ timeZone: '' }, now)).toThrow(AsOfError);
    expect(() => resolveAsOf({ asOf: '2026-02-30' }, now)).toThrow('"2026-02-30" is not a YYYY-MM-DD day');
    expect(() => resolveAsOf({ asOf: '' }, now)).toThrow(AsOfError);
    expect(exitCodeFor(new AsOfError('x'))).toBe(EXIT_CODES.usage);
  });
});

describe('the environment', () => {
  it('keeps only the variables lapse reads', () => {
    expect(readEnvironment({ LAPSE_PORT: '1', LAPSE_TYPO: 'x', PATH: '/bin', HOME: '/home/a' })).toEqual({
      LAPSE_PORT: '1',
      HOME: '/home/a',
    });
  });
});

describe('days column', () => {
  it('counts days overdue and left from the listing day', () => {
    expect(describeDaysLeft(renewalDayOf('2026-03-07T23:59:00Z'), '2026-03-10')).toBe('3 overdue');
    expect(describeDaysLeft('2026-03-10', '2026-03-10')).toBe('today');
    expect(describeDaysLeft('2026-04-09', '2026-03-10')).toBe('30 left');
  });
});

describe('configuration', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lapse-config-'));
    await mkdir(join(dir, 'lapse'));
    await writeFile(
      join(dir, 'lapse', 'config.json'),
      JSON.stringify({
        baseUrl: 'http://file.example',
        clientId: 'file-id',
        clientSecret: 'file-secret',
        companyId: 'FileCompany1',
      }),
    );
    await chmod(join(dir, 'lapse', 'config.json'), 0o600);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lets env win over the file and flags win over both', async () => {
    const config = await loadClientConfig(
      { company: 'FlagCompany1' },
      { XDG_CONFIG_HOME: dir, LAPSE_CLIENT_ID: 'env-id', LAPSE_COMPANY_ID: 'EnvCompany01' },
    );
    expect(config).toMatchObject({
      baseUrl: 'http://file.example',
      clientId: 'env-id',
      clientSecret: 'file-secret',
      companyId: 'FlagCompany1',
    });
  });

  it('pins the clock from LAPSE_NOW, and refuses an instant without a zone', async () => {
    const config = await loadClientConfig({}, { XDG_CONFIG_HOME: dir, LAPSE_NOW: '2026-03-10T20:00:00Z' });
    expect(config.now()).toBe(Date.parse('2026-03-10T20:00:00Z'));
    await expect(loadClientConfig({}, { XDG_CONFIG_HOME: dir, LAPSE_NOW: '2026-03-10 20:00' })).rejects.toThrow(
      UsageError,
    );
  });

  it('refuses a config file group or others can read, naming chmod 600', async () => {
    const file = join(dir, 'lapse', 'config.json');
    await chmod(file, 0o640);
    await expect(loadClientConfig({}, { XDG_CONFIG_HOME: dir })).rejects.toThrow(`chmod 600 ${file}`);
    await chmod(file, 0o600);
  });

  it('names what is missing', async () => {
    await expect(loadClientConfig({}, { XDG_CONFIG_HOME: join(dir, 'none') })).rejects.toThrow(
      /LAPSE_BASE_URL.*LAPSE_CLIENT_ID/,
    );
  });

  /** A private config file of the test's own, holding `document`. */
  async function configFile(name: string, document: unknown): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, JSON.stringify(document));
    await chmod(file, 0o600);
    return file;
  }

  it('carries the top-level lifecycle policy as written and keeps it when the file is written back', async () => {
    const policy = { graceDays: 7, leadDays: [30, 0] };
    const file = await configFile('policy.json', {
      baseUrl: 'http://x.example',
      clientId: 'c',
      clientSecret: 's',
      policy,
      profiles: { acme: { companyId: 'A' } },
    });
    expect((await loadClientConfig({ config: file }, {})).policy).toEqual(policy);
    const read = await readConfigFile(file, true);
    await writeConfigFile(file, { ...read, settings: { ...read.settings, clientId: 'd' } });
    const again = await loadClientConfig({ config: file, profile: 'acme' }, {});
    expect(again.policy).toEqual(policy);
    expect(again.clientId).toBe('d');
    expect(again.companyId).toBe('A');
    expect((await loadClientConfig({ config: await configFile('none.json', { ...read.settings }) }, {})).policy).toBe(
      undefined,
    );
    // A policy belongs to the file, not to one account.
    const nested = await configFile('profile-policy.json', { profiles: { acme: { policy } } });
    await expect(loadClientConfig({ config: nested }, {})).rejects.toThrow(
      `config file ${nested}: unknown key "profiles.acme.policy"`,
    );
  });

  it('refuses an unknown key or a value that is not text, naming the key and the file', async () => {
    const typo = await configFile('typo.json', { baseUrl: 'http://x.example', clientSecrt: 's' });
    await expect(loadClientConfig({ config: typo }, {})).rejects.toThrow(
      new UsageError(
        `config file ${typo}: unknown key "clientSecrt" (known: baseUrl, clientId, clientSecret, companyId, profiles, policy)`,
      ),
    );
    const nested = await configFile('nested.json', { profiles: { acme: { clientid: 'x' } } });
    await expect(loadClientConfig({ config: nested }, {})).rejects.toThrow(
      `config file ${nested}: unknown key "profiles.acme.clientid"`,
    );
    const number = await configFile('number.json', { clientId: 42 });
    await expect(loadClientConfig({ config: number }, {})).rejects.toThrow(
      `config file ${number}: "clientId" must be a string`,
    );
  });

  it('names the file --config gave in what is missing, and a missing --config file', async () => {
    const partial = await configFile('partial.json', { baseUrl: 'http://x.example' });
    await expect(loadClientConfig({ config: partial }, {})).rejects.toThrow(
      new UsageError(`missing LAPSE_CLIENT_ID, LAPSE_CLIENT_SECRET: set them in the environment or in ${partial}`),
    );
    await expect(loadClientConfig({ config: join(dir, 'absent.json') }, {})).rejects.toThrow(
      `config file ${join(dir, 'absent.json')} not found`,
    );
  });

  it('takes a profile from --profile or LAPSE_PROFILE over the environment, the top level beneath it', async () => {
    const file = await configFile('profiles.json', {
      baseUrl: 'http://shared.example',
      clientId: 'top-id',
      clientSecret: 'top-secret',
      profiles: {
        acme: { clientId: 'acme-id', clientSecret: 'acme-secret', companyId: 'AcmeCompany1' },
        other: { baseUrl: 'http://other.example', clientId: 'other-id', clientSecret: 'other-secret' },
      },
    });
    const env = { LAPSE_CLIENT_ID: 'env-id', LAPSE_CLIENT_SECRET: 'env-secret' };
    expect(await loadClientConfig({ config: file }, env)).toMatchObject({ clientId: 'env-id', profile: undefined });
    expect(await loadClientConfig({ config: file, profile: 'acme' }, env)).toMatchObject({
      baseUrl: 'http://shared.example',
      clientId: 'acme-id',
      clientSecret: 'acme-secret',
      companyId: 'AcmeCompany1',
      profile: 'acme',
    });
    expect(await loadClientConfig({ config: file }, { ...env, LAPSE_PROFILE: 'other' })).toMatchObject({
      baseUrl: 'http://other.example',
      baseUrlSource: `baseUrl in ${file}, profile other`,
      clientId: 'other-id',
    });
    expect(await loadClientConfig({ config: file, profile: 'acme', company: 'FlagCompany1' }, env)).toMatchObject({
      companyId: 'FlagCompany1',
    });
    await expect(loadClientConfig({ config: file, profile: 'nope' }, env)).rejects.toThrow(
      new UsageError(`config file ${file} has no profile "nope" (profiles: acme, other)`),
    );
  });
});

describe('exit codes', () => {
  it('maps each error category to its code', () => {
    expect(exitCodeFor(new UsageError('x'))).toBe(EXIT_CODES.usage);
    expect(exitCodeFor(new ValidationError('x'))).toBe(EXIT_CODES.usage);
    expect(exitCodeFor(new AuthError('x'))).toBe(EXIT_CODES.auth);
    expect(exitCodeFor(new ForbiddenError('x'))).toBe(EXIT_CODES.forbidden);
    expect(exitCodeFor(new NotFoundError('x'))).toBe(EXIT_CODES.notFound);
    expect(exitCodeFor(new RateLimitError('x'))).toBe(EXIT_CODES.unavailable);
    expect(exitCodeFor(new NetworkError('x'))).toBe(EXIT_CODES.unavailable);
    expect(exitCodeFor(new TypeError('bug'))).toBe(EXIT_CODES.failure);
  });

  it('maps the admin and copy refusals, unusable files or ports and an unreachable database', () => {
    const systemError = (code: string) => Object.assign(new Error(code), { code });
    expect(exitCodeFor(new AdminError('No company has the resource id or name "x"'))).toBe(EXIT_CODES.usage);
    expect(exitCodeFor(new CopyRefusedError('not empty'))).toBe(EXIT_CODES.usage);
    expect(exitCodeFor(systemError('ENOENT'))).toBe(EXIT_CODES.usage);
    expect(exitCodeFor(systemError('EACCES'))).toBe(EXIT_CODES.usage);
    expect(exitCodeFor(systemError('EADDRINUSE'))).toBe(EXIT_CODES.usage);
    expect(exitCodeFor(systemError('ECONNREFUSED'))).toBe(EXIT_CODES.unavailable);
    expect(exitCodeFor(systemError('SQLITE_BUSY'))).toBe(EXIT_CODES.unavailable);
    expect(exitCodeFor(systemError('ERR_SOMETHING'))).toBe(EXIT_CODES.failure);
  });
});

/** The built CLI (npm run build) in an environment of the test's own: nothing from the machine running it. */
const lapse = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { home: workDir, env, timeoutMs: 30_000 });

let workDir: string;

describe('the built CLI on bad input', () => {
  beforeAll(async () => {
    requireBuiltCli();
    workDir = await mkdtemp(join(tmpdir(), 'lapse-cli-parsing-'));
  });
  afterAll(() => rm(workDir, { recursive: true, force: true }));

  const client = { LAPSE_BASE_URL: 'http://127.0.0.1:9', LAPSE_CLIENT_ID: 'id', LAPSE_CLIENT_SECRET: 'secret' };

  it.each([
    { args: ['serve', '--port', '80a'], range: ' from 0 to 65535' },
    { args: ['serve', '--port', '65536'], range: ' from 0 to 65535' },
    { args: ['serve', '--rate-limit', '-1'], range: ', 0 or more' },
    { args: ['serve', '--database-pool-size', '0'], range: ', 1 or more' },
    { args: ['serve', '--search-cache', 'lots'], range: ', 0 or more' },
    { args: ['serve', '--exports-per-client', '0'], range: ', 1 or more' },
    { args: ['serve', '--exports-total', '-2'], range: ', 1 or more' },
    { args: ['serve', '--export-stall-timeout', 'soon'], range: ', 1 or more' },
    { args: ['ui', '--port', '1e3'], range: ' from 0 to 65535' },
    { args: ['expired', '--page-size', '0'], range: ' from 1 to 1000' },
    { args: ['companies', '--page-size', '1001'], range: ' from 1 to 1000' },
    { args: ['export', '--page', '0'], range: ', 1 or more' },
    { args: ['renewals', '--within', 'a month'], range: ' from 0 to 99999 (like 30 or 30d)' },
    { args: ['seed', '--companies', '0'], range: ' from 1 to 20000000' },
    { args: ['seed', '--companies', '10', '--seed', '-3'], range: ' from 0 to 4294967295' },
    { args: ['migrate', '--from', 'a.db', '--to', 'b.db', '--batch-size', '100001'], range: ' from 1 to 100000' },
    { args: ['admin', 'company', 'create', '--name', 'X', '--user-limit', '2.5'], range: ', 0 or more' },
    { args: ['admin', 'company', 'update', 'X', '--target-users', 'many'], range: ', 0 or more' },
  ])(
    '$args.0 $args.1 $args.2 … refuses the value with exit 2 and "expected a whole number $range"',
    async ({ args, range }) => {
      const result = await lapse(args, client);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n')[0]).toMatch(/^error: option '--[a-z-]+ <\w+>' argument '.*' is invalid\. /);
      expect(result.stderr).toContain(`expected a whole number${range}`);
    },
  );

  it.each([
    {
      variable: 'LAPSE_PORT',
      value: 'eighty',
      message: 'LAPSE_PORT is "eighty": expected a whole number from 0 to 65535',
    },
    {
      variable: 'LAPSE_RATE_LIMIT',
      value: '-5',
      message: 'LAPSE_RATE_LIMIT is "-5": expected a whole number, 0 or more',
    },
    {
      variable: 'LAPSE_DATABASE_POOL_SIZE',
      value: '0',
      message: 'LAPSE_DATABASE_POOL_SIZE is "0": expected a whole number, 1 or more',
    },
    {
      variable: 'LAPSE_SEARCH_CACHE',
      value: '1.5',
      message: 'LAPSE_SEARCH_CACHE is "1.5": expected a whole number, 0 or more',
    },
    {
      variable: 'LAPSE_EXPORTS_PER_CLIENT',
      value: '0',
      message: 'LAPSE_EXPORTS_PER_CLIENT is "0": expected a whole number, 1 or more',
    },
    {
      variable: 'LAPSE_EXPORTS_TOTAL',
      value: 'all',
      message: 'LAPSE_EXPORTS_TOTAL is "all": expected a whole number, 1 or more',
    },
    {
      variable: 'LAPSE_EXPORT_STALL_TIMEOUT_MS',
      value: '0',
      message: 'LAPSE_EXPORT_STALL_TIMEOUT_MS is "0": expected a whole number, 1 or more',
    },
  ])('lapse serve refuses $variable=$value with exit 2 and one line', async ({ variable, value, message }) => {
    const result = await lapse(['serve', '--database', ':memory:'], { [variable]: value });
    expect(result).toEqual({ code: 2, stdout: '', stderr: `lapse serve: ${message}\n` });
  });

  it('lapse serve refuses an unknown log level with exit 2 and one line', async () => {
    const result = await lapse(['serve', '--database', ':memory:', '--log-level', 'loud']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^lapse serve: log level must be one of .*, not "loud"\n$/);
  });

  it.each([
    { args: ['expired', '--tz', 'Mars/Olympus'], message: 'unknown time zone "Mars/Olympus" (use an IANA name)' },
    { args: ['renewals', '--as-of', '2026-3-1'], message: '"2026-3-1" is not a YYYY-MM-DD day' },
    { args: ['over-limit', '--as-of', '2026-02-30', '--tz', 'UTC'], message: '"2026-02-30" is not a YYYY-MM-DD day' },
  ])(
    'lapse $args.0 refuses a bad day or zone with exit 2 and one line naming the command',
    async ({ args, message }) => {
      const result = await lapse(args, client);
      expect(result).toEqual({ code: 2, stdout: '', stderr: `lapse ${args[0]}: ${message}\n` });
    },
  );

  it('names what is missing in one line, exit 2, for the reseller commands and the dashboard', async () => {
    for (const command of ['expired', 'whoami', 'ui']) {
      const result = await lapse([command]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^lapse ${command}: missing LAPSE_BASE_URL.*\n$`));
    }
  });

  it('exits 5 with one line when the server cannot be reached', async () => {
    const result = await lapse(['whoami'], client);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/^lapse whoami: [^\n]+\n$/);
  });
});
