// Changing and removing a customer's client. Its secret is kept only as a hash: a PUT carrying the secret it has
// keeps it, any other secret replaces it (rotation), and the old one is refused at /connect/token from then on.
import { hashSecret, verifySecret } from '../auth/index.js';
import type { Db } from '../db/index.js';
import { ApiError } from '../errors.js';
import type { CheckedClientBody } from './client-body.js';
import type { ClientRow } from './client-records.js';

export async function updateClient(db: Db, client: ClientRow, body: CheckedClientBody): Promise<void> {
  if (body.clientId !== client.client_id) {
    throw ApiError.invalidRequest([`clientId: a client's id does not change (this one is "${client.client_id}")`]);
  }
  const isSameSecret = await verifySecret(body.clientSecret, client.secret_hash);
  await db
    .updateTable('credentials')
    .set({
      name: body.name,
      role: body.role,
      is_disabled: body.isDisabled ? 1 : 0,
      has_ip_address_restriction: body.allowedIpAddresses === null ? 0 : 1,
      allowed_ip_addresses: JSON.stringify(body.allowedIpAddresses ?? []),
      ...(!isSameSecret && { secret_hash: await hashSecret(body.clientSecret) }),
    })
    .where('client_id', '=', client.client_id)
    .execute();
}

export async function removeClient(db: Db, client: ClientRow): Promise<void> {
  await db.deleteFrom('credentials').where('client_id', '=', client.client_id).execute();
}
