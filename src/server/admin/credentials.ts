// API credentials (contract §1): a client id and a secret shown once; only a scrypt hash of the secret is stored.
import { isRole, ROLES, type Role } from '../../contract/index.js';
import { generateClientCredentials, hashSecret } from '../auth/index.js';
import type { Db } from '../db/index.js';
import { AdminError, AdminNotFoundError } from './admin-error.js';
import { resolveCompany } from './company-reference.js';
import { randomResourceId } from './resource-id.js';

export interface CredentialInput {
  /** Resource id or unique name of the company the credential acts for. */
  company: string;
  role: string;
  description?: string;
  /** A customer API client (contract §10) names its own id and secret (from generate-client-credentials). */
  clientId?: string;
  clientSecret?: string;
  name?: string;
  isDisabled?: boolean;
  /** Addresses and CIDR ranges /connect/token accepts this client from; absent: any. */
  allowedIpAddresses?: readonly string[] | null;
}

export interface CreatedCredential {
  resourceId: string;
  clientId: string;
  /** Shown once: it is not stored, only its hash. */
  clientSecret: string;
  role: Role;
  companyResourceId: string;
  companyName: string;
}

export interface CredentialListing {
  clientId: string;
  role: string;
  companyResourceId: string;
  companyName: string;
  isDisabled: boolean;
  /** ISO-8601 UTC. */
  createdAt: string;
  description: string | null;
}

export async function createCredential(db: Db, input: CredentialInput, now = Date.now()): Promise<CreatedCredential> {
  if (!isRole(input.role)) throw new AdminError(`Role must be one of ${ROLES.join(', ')}, not "${input.role}"`);
  const company = await resolveCompany(db, input.company);
  // contract §3: Root sees everything, so only the platform's own company may hold it.
  if (input.role === 'Root' && company.parent_id !== null) {
    throw new AdminError(`A Root credential belongs to the platform root company, not "${company.name}"`);
  }
  const generated = generateClientCredentials();
  const clientId = input.clientId ?? generated.clientId;
  const clientSecret = input.clientSecret ?? generated.clientSecret;
  const resourceId = randomResourceId();
  const allowed = input.allowedIpAddresses ?? null;
  await db
    .insertInto('credentials')
    .values({
      client_id: clientId,
      secret_hash: await hashSecret(clientSecret),
      role: input.role,
      company_id: company.id,
      is_disabled: input.isDisabled ? 1 : 0,
      created_at: now,
      description: input.description ?? null,
      resource_id: resourceId,
      name: input.name ?? null,
      has_ip_address_restriction: allowed === null ? 0 : 1,
      allowed_ip_addresses: JSON.stringify(allowed ?? []),
    })
    .execute();
  return {
    resourceId,
    clientId,
    clientSecret,
    role: input.role,
    companyResourceId: company.resource_id,
    companyName: company.name,
  };
}

function credentialListing(db: Db) {
  return db
    .selectFrom('credentials')
    .innerJoin('companies', 'companies.id', 'credentials.company_id')
    .select([
      'credentials.client_id',
      'credentials.role',
      'credentials.is_disabled',
      'credentials.created_at',
      'credentials.description',
      'companies.resource_id',
      'companies.name',
    ]);
}

type ListingRow = Awaited<ReturnType<ReturnType<typeof credentialListing>['executeTakeFirstOrThrow']>>;

const toListing = (row: ListingRow): CredentialListing => ({
  clientId: row.client_id,
  role: row.role,
  companyResourceId: row.resource_id,
  companyName: row.name,
  isDisabled: row.is_disabled === 1,
  createdAt: new Date(row.created_at).toISOString(),
  description: row.description,
});

/** Every credential, oldest first; never a secret or its hash. */
export async function listCredentials(db: Db): Promise<CredentialListing[]> {
  const rows = await credentialListing(db).orderBy('credentials.created_at').orderBy('credentials.client_id').execute();
  return rows.map(toListing);
}

/** Disabled credentials can no longer get tokens (contract §1: invalid_client) nor use the ones they hold. */
export async function disableCredential(db: Db, clientId: string): Promise<CredentialListing> {
  const result = await db
    .updateTable('credentials')
    .set({ is_disabled: 1 })
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new AdminNotFoundError(`No credential has the client id "${clientId}"`);
  return toListing(await credentialListing(db).where('credentials.client_id', '=', clientId).executeTakeFirstOrThrow());
}
