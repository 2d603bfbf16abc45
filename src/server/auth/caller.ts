// Who is calling: a credential, its role and the company it belongs to, read fresh on every request so a
// disabled credential stops working at once (contract §2: "unknown or disabled client" is a 401).
import { isRole, type Role } from '../../contract/index.js';
import type { Db } from '../db/index.js';
import { secretVersionOf } from './secrets.js';

export interface CallerCompany {
  id: number;
  resourceId: string;
  name: string;
  path: string;
  parentResourceId: string | null;
  parentName: string | null;
}

export interface Caller {
  clientId: string;
  role: Role;
  company: CallerCompany;
}

export interface CredentialRecord extends Caller {
  secretHash: string;
  /** secretVersionOf(secretHash), worked out once per read of the row rather than on every request. */
  secretVersion: string;
  isDisabled: boolean;
  /** contract §10: the addresses and CIDR ranges /connect/token accepts it from; null: any address. */
  allowedIpAddresses: string[] | null;
}

export async function findCredential(db: Db, clientId: string): Promise<CredentialRecord | undefined> {
  const row = await db
    .selectFrom('credentials as c')
    .innerJoin('companies as co', 'co.id', 'c.company_id')
    .leftJoin('companies as p', 'p.id', 'co.parent_id')
    .select([
      'c.client_id',
      'c.secret_hash',
      'c.role',
      'c.is_disabled',
      'c.has_ip_address_restriction',
      'c.allowed_ip_addresses',
      'co.id as company_id',
      'co.resource_id',
      'co.name',
      'co.path',
      'p.resource_id as parent_resource_id',
      'p.name as parent_name',
    ])
    .where('c.client_id', '=', clientId)
    .executeTakeFirst();
  if (!row || !isRole(row.role)) return undefined;
  return {
    clientId: row.client_id,
    role: row.role,
    secretHash: row.secret_hash,
    secretVersion: secretVersionOf(row.secret_hash),
    isDisabled: row.is_disabled !== 0,
    allowedIpAddresses:
      row.has_ip_address_restriction === 0 ? null : (JSON.parse(row.allowed_ip_addresses) as string[]),
    company: {
      id: row.company_id,
      resourceId: row.resource_id,
      name: row.name,
      path: row.path,
      parentResourceId: row.parent_resource_id,
      parentName: row.parent_name,
    },
  };
}
