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
  // contract §10: writes and customer API clients.
  create: 'companies|POST',
  update: 'companies/{id}|PUT',
  remove: 'companies/{id}|DELETE',
  roles: 'roles|GET',
  generateClientCredentials: 'companies/clients/generate-client-credentials|GET',
  createClient: 'companies/clients|POST',
  getClient: 'companies/clients/{id}|GET',
  updateClient: 'companies/clients/{id}|PUT',
  removeClient: 'companies/clients/{id}|DELETE',
  searchClients: 'companies/clients/search|POST',
  exportClients: 'companies/clients/search/export|POST',
} as const;
export type Permission = (typeof PERMISSION)[keyof typeof PERMISSION];

const EVERY_PERMISSION: readonly Permission[] = Object.values(PERMISSION);

/** contract §10: the licence reads answer every role, each within what it may see. */
const LICENCE_READS = [
  PERMISSION.licenseCheck,
  PERMISSION.licenseExpiryDate,
  PERMISSION.currentTime,
  PERMISSION.licenseLookups,
] as const;

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  Reseller: EVERY_PERMISSION,
  // contract §3 and §10: its own company only, read and (some fields) written.
  'Company Admin': [PERMISSION.my, PERMISSION.get, PERMISSION.update, ...LICENCE_READS],
  Root: EVERY_PERMISSION,
};

/** The roles a customer API client may be given over the API (GET /api/roles), with their fixed resource ids. */
export const ASSIGNABLE_ROLES = [
  { resourceId: 'RoleReseller', name: 'Reseller' },
  { resourceId: 'RoleCompAdmn', name: 'Company Admin' },
] as const satisfies readonly { resourceId: string; name: Role }[];

export function roleOfResourceId(resourceId: string): Role | undefined {
  return ASSIGNABLE_ROLES.find((role) => role.resourceId === resourceId)?.name;
}

export function roleResourceIdOf(role: string): string | undefined {
  return ASSIGNABLE_ROLES.find((entry) => entry.name === role)?.resourceId;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
