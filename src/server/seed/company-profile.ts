// A seeded company's profile (contract §6 CompanyDto: country, formats, licence period, status, modules), derived
// from the fields already generated rather than drawn anew, so the rest of the seeded tree stays as it was.
import { DAY_MS, LICENSE_PERIOD_TYPES, type LicenseModuleName } from '../../contract/index.js';
import type { CompanyFields, CompanyProfile } from '../admin/index.js';

interface Locale {
  country: { resourceId: string; name: string; code: string };
  dateFormat: string;
  timeFormat: string;
}

const locale = (code: string, name: string, dateFormat: string, timeFormat: string): Locale => ({
  country: { resourceId: `country${code}000`, name, code },
  dateFormat,
  timeFormat,
});

const US = locale('US', 'United States', 'MM/dd/yyyy', 'hh:mm tt');
const LOCALES: Record<string, Locale> = {
  'Europe/London': locale('GB', 'United Kingdom', 'dd/MM/yyyy', 'HH:mm'),
  'Europe/Berlin': locale('DE', 'Germany', 'dd.MM.yyyy', 'HH:mm'),
  'Europe/Istanbul': locale('TR', 'Türkiye', 'dd.MM.yyyy', 'HH:mm'),
  'America/New_York': US,
  'America/Chicago': US,
  'America/Los_Angeles': US,
  'America/Sao_Paulo': locale('BR', 'Brazil', 'dd/MM/yyyy', 'HH:mm'),
  'Asia/Tokyo': locale('JP', 'Japan', 'yyyy/MM/dd', 'HH:mm'),
  'Asia/Kolkata': locale('IN', 'India', 'dd-MM-yyyy', 'hh:mm tt'),
  'Asia/Singapore': locale('SG', 'Singapore', 'dd/MM/yyyy', 'hh:mm tt'),
  'Australia/Sydney': locale('AU', 'Australia', 'dd/MM/yyyy', 'hh:mm tt'),
  'Pacific/Auckland': locale('NZ', 'New Zealand', 'dd/MM/yyyy', 'hh:mm tt'),
  'Pacific/Kiritimati': locale('KI', 'Kiribati', 'dd/MM/yyyy', 'HH:mm'),
  'Pacific/Pago_Pago': locale('AS', 'American Samoa', 'MM/dd/yyyy', 'hh:mm tt'),
};

/** Named from the contract's module catalogue, so ModuleResourceId finds every module a seeded licence has. */
const MODULES_BY_LICENSE_TYPE: Record<string, readonly LicenseModuleName[]> = {
  Trial: ['Phishing Simulator'],
  Standard: ['Phishing Simulator', 'Awareness Educator'],
  Professional: ['Phishing Simulator', 'Awareness Educator', 'Incident Responder'],
  Enterprise: ['Phishing Simulator', 'Awareness Educator', 'Incident Responder', 'Threat Intelligence'],
  'MSP Bundle': ['Phishing Simulator', 'Awareness Educator', 'Incident Responder', 'Vishing Simulator'],
};

const ACTIVE = { id: 1, name: 'Active' };
const PASSIVE = { id: 2, name: 'Passive' };

/** Licences that ended this long ago belong to customers the reseller has set passive. */
const PASSIVE_AFTER_MS = 365 * DAY_MS;

function periodTypeOf(fields: CompanyFields) {
  if (fields.licenseEndAt === null || fields.licenseStartAt === null) return LICENSE_PERIOD_TYPES.custom;
  const days = Math.round((fields.licenseEndAt - fields.licenseStartAt) / DAY_MS);
  const { oneYear, threeYears, custom } = LICENSE_PERIOD_TYPES;
  return days === oneYear.days ? oneYear : days === threeYears.days ? threeYears : custom;
}

/** `todayStart`: epoch ms of the seed's UTC today. */
export function profileOf(fields: CompanyFields, todayStart: number): CompanyProfile {
  const place = fields.timeZoneId === null ? undefined : LOCALES[fields.timeZoneId];
  const isLongLapsed = fields.licenseEndAt !== null && fields.licenseEndAt < todayStart - PASSIVE_AFTER_MS;
  const periodType = periodTypeOf(fields);
  const status = isLongLapsed ? PASSIVE : ACTIVE;
  const modules = fields.licenseType === null ? [] : (MODULES_BY_LICENSE_TYPE[fields.licenseType.name] ?? []);
  return {
    description: null,
    country_resource_id: place?.country.resourceId ?? null,
    country_name: place?.country.name ?? null,
    country_code: place?.country.code ?? null,
    license_period_type_resource_id: periodType.resourceId,
    license_period_type_name: periodType.name,
    status_id: status.id,
    status_name: status.name,
    license_modules: JSON.stringify(modules),
    date_format: place?.dateFormat ?? null,
    time_format: place?.timeFormat ?? null,
  };
}
