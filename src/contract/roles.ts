// contract §1 and §3: client roles and the endpoints each may call.
export const ROLES = ['Reseller', 'Company Admin', 'Root'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSION = {
  search: 'companies/search|POST',
  export: 'companies/search/export|POST',
  my: 'companies/my|GET',
  get: 'companies/{id}|GET',
} as const;
export type Permission = (typeof PERMISSION)[keyof typeof PERMISSION];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  Reseller: [PERMISSION.search, PERMISSION.export, PERMISSION.my, PERMISSION.get],
  'Company Admin': [PERMISSION.my, PERMISSION.get],
  Root: [PERMISSION.search, PERMISSION.export, PERMISSION.my, PERMISSION.get],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
