// A customer's REST API clients as stored: rows of the one credentials table (admin/credentials.ts creates them),
// read as the vendor's ClientDto and SearchClientDto.
import { sql } from 'kysely';
import {
  type CLIENT_ORDER_BY,
  CLIENT_STATUSES,
  type ClientDto,
  type ClientPage,
  roleResourceIdOf,
  type SearchClientDto,
} from '../../contract/index.js';
import type { Db } from '../db/index.js';

export function clientRows(db: Db) {
  return db
    .selectFrom('credentials')
    .innerJoin('companies', 'companies.id', 'credentials.company_id')
    .select([
      'credentials.client_id',
      'credentials.resource_id',
      'credentials.name',
      'credentials.role',
      'credentials.is_disabled',
      'credentials.created_at',
      'credentials.secret_hash',
      'credentials.has_ip_address_restriction',
      'credentials.allowed_ip_addresses',
      'companies.id as company_id',
      'companies.resource_id as company_resource_id',
      'companies.path as company_path',
    ]);
}

export type ClientRow = Awaited<ReturnType<ReturnType<typeof clientRows>['executeTakeFirstOrThrow']>>;

const statusOf = (row: ClientRow) => CLIENT_STATUSES[row.is_disabled === 0 ? 0 : 1];

export function clientDtoOf(row: ClientRow): ClientDto {
  const role = roleResourceIdOf(row.role);
  return {
    resourceId: row.resource_id ?? '',
    name: row.name,
    clientId: row.client_id,
    clientSecret: null,
    statusId: statusOf(row).id,
    statusName: statusOf(row).name,
    hasIpAddressRestriction: row.has_ip_address_restriction === 1,
    allowedIpAddresses: JSON.parse(row.allowed_ip_addresses) as string[],
    roleResourceIdList: role === undefined ? [] : [role],
  };
}

export function searchClientDtoOf(row: ClientRow): SearchClientDto {
  return {
    resourceId: row.resource_id ?? '',
    clientName: row.name,
    clientId: row.client_id,
    createTime: new Date(row.created_at).toISOString(),
    statusId: statusOf(row).id,
    statusName: statusOf(row).name,
  };
}

export async function findClient(db: Db, resourceId: string): Promise<ClientRow | undefined> {
  return clientRows(db).where('credentials.resource_id', '=', resourceId).executeTakeFirst();
}

/** orderBy (lower-cased) -> column; the client id breaks ties, so paging is total. */
const ORDER_COLUMNS = {
  createtime: 'credentials.created_at',
  // A client without a name sorts as '' on both databases (their nulls sort apart).
  clientname: sql<string>`coalesce(credentials.name, '')`,
  clientid: 'credentials.client_id',
  statusid: 'credentials.is_disabled',
} as const satisfies Record<Lowercase<(typeof CLIENT_ORDER_BY)[number]>, unknown>;

export type ClientOrder = keyof typeof ORDER_COLUMNS;

export function isClientOrder(value: string): value is ClientOrder {
  return Object.hasOwn(ORDER_COLUMNS, value);
}

export interface ClientQuery {
  companyId: number;
  /** Case-insensitive substring of the name or the client id; '' for all. */
  text: string;
  orderBy: ClientOrder;
  ascending: boolean;
}

const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function matchingClients(db: Db, query: ClientQuery) {
  let rows = clientRows(db).where('credentials.company_id', '=', query.companyId);
  if (query.text !== '') {
    const pattern = likePattern(query.text);
    rows = rows.where(({ eb, fn, or, val }) =>
      or([
        eb(fn('lower', [fn.coalesce('credentials.name', val(''))]), 'like', pattern),
        eb(fn('lower', ['credentials.client_id']), 'like', pattern),
      ]),
    );
  }
  return rows;
}

/** Every matching client in order, or one page of them (`page` absent: all). */
export async function searchClients(
  db: Db,
  query: ClientQuery,
  page?: { pageNumber: number; pageSize: number },
): Promise<{ rows: ClientRow[]; total: number }> {
  const direction = query.ascending ? 'asc' : 'desc';
  let rows = matchingClients(db, query)
    .orderBy(ORDER_COLUMNS[query.orderBy], direction)
    .orderBy('credentials.client_id', direction);
  if (page) rows = rows.limit(page.pageSize).offset((page.pageNumber - 1) * page.pageSize);
  const counted = await db
    .selectFrom('credentials')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('client_id', 'in', matchingClients(db, query).clearSelect().select('credentials.client_id'))
    .executeTakeFirstOrThrow();
  return { rows: await rows.execute(), total: Number(counted.count) };
}

export function clientPageOf(
  found: { rows: ClientRow[]; total: number },
  pageNumber: number,
  pageSize: number,
): ClientPage {
  return {
    pageNumber,
    pageSize,
    totalNumberOfPages: Math.ceil(found.total / pageSize),
    totalNumberOfRecords: found.total,
    results: found.rows.map(searchClientDtoOf),
  };
}
