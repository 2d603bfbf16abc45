// contract §1 and §3: client roles and the endpoints each may call.
export const ROLES = ['Reseller', 'Company Admin', 'Root'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSION = {
  search: 'companies/search|POST',
  export: 'companies/search/export|POST',
  my: 'companies/my|GET',
  get: 'companies/{id}|GET',
  licenseCheck: 'companies/{id}/license-check|GET',
  licenseExpiryDate: 'companies/licenseexpirydate|POST',
  currentTime: 'companies/get-current-time/{timeZoneId}|GET',
  licenseLookups: 'lookups/licenses|GET',
} as const;
export type Permission = (typeof PERMISSION)[keyof typeof PERMISSION];

/** contract §10: the licence reads answer every role, each within what it may see. */
const LICENCE_READS = [
  PERMISSION.licenseCheck,
  PERMISSION.licenseExpiryDate,
  PERMISSION.currentTime,
  PERMISSION.licenseLookups,
] as const;

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  Reseller: [PERMISSION.search, PERMISSION.export, PERMISSION.my, PERMISSION.get, ...LICENCE_READS],
  'Company Admin': [PERMISSION.my, PERMISSION.get, ...LICENCE_READS],
  Root: [PERMISSION.search, PERMISSION.export, PERMISSION.my, PERMISSION.get, ...LICENCE_READS],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
