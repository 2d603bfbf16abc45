// The CLI's edges without a server: --where expressions, --within, configuration precedence and the
// exit-code table.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWithinDays } from '../src/cli/commands/renewals.js';
import { filterFrom, parseWhere } from '../src/cli/commands/where-expression.js';
import { loadClientConfig } from '../src/cli/config.js';
import { EXIT_CODES, exitCodeFor, UsageError } from '../src/cli/exit-codes.js';
import { describeDaysLeft } from '../src/cli/output/index.js';
import {
  AuthError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ValidationError,
} from '../src/client/index.js';
import { renewalDayOf } from '../src/contract/index.js';

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
});
