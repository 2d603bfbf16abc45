// contract §10: a client write body's values checked beyond its schema (roles, addresses, status, secret), each
// problem a validation line naming its field.
import {
  ACTIVE_CLIENT_STATUS,
  CLIENT_STATUSES,
  type ClientWriteBody,
  type Role,
  roleOfResourceId,
} from '../../contract/index.js';
import { parseAllowedAddress } from '../auth/index.js';
import { ApiError } from '../errors.js';

/** Shorter secrets are refused: a client's secret guards a customer's data (generated ones are 43 characters). */
export const MIN_CLIENT_SECRET_LENGTH = 32;
const CLIENT_ID_PATTERN = /^[A-Za-z0-9_.-]+$/;

export interface CheckedClientBody {
  name: string;
  clientId: string;
  clientSecret: string;
  role: Role;
  isDisabled: boolean;
  /** null: no restriction. */
  allowedIpAddresses: string[] | null;
}

function roleOf(ids: readonly string[] | null | undefined): { role?: Role; problem?: string } {
  if (!ids || ids.length === 0) return { problem: 'roleResourceIdList: Role should be selected (GET /api/roles)' };
  if (ids.length > 1) return { problem: 'roleResourceIdList: a client holds one role' };
  const role = roleOfResourceId(ids[0] as string);
  return role ? { role } : { problem: `roleResourceIdList[0]: "${ids[0]}" is not a role of GET /api/roles` };
}

function addressProblems(body: ClientWriteBody): string[] {
  const addresses = body.allowedIpAddresses ?? [];
  const problems = addresses.flatMap((address, index) =>
    parseAllowedAddress(address) === undefined ? [`allowedIpAddresses[${index}]: Invalid ip address "${address}"`] : [],
  );
  if (body.hasIpAddressRestriction === true && addresses.length === 0) {
    problems.push('allowedIpAddresses: hasIpAddressRestriction needs at least one address');
  }
  return problems;
}

export function checkClientBody(body: ClientWriteBody): CheckedClientBody {
  const problems: string[] = [];
  if (!CLIENT_ID_PATTERN.test(body.clientId)) problems.push('clientId: may hold only letters, digits, _ . and -');
  if (body.clientSecret.length < MIN_CLIENT_SECRET_LENGTH) {
    problems.push(
      `clientSecret: must be at least ${MIN_CLIENT_SECRET_LENGTH} characters (GET /api/companies/clients/generate-client-credentials)`,
    );
  }
  if (!CLIENT_STATUSES.some((status) => status.id === body.statusId)) {
    problems.push(`statusId: must be ${CLIENT_STATUSES.map((s) => `${s.id} (${s.name})`).join(' or ')}`);
  }
  const { role, problem } = roleOf(body.roleResourceIdList);
  if (problem !== undefined) problems.push(problem);
  problems.push(...addressProblems(body));
  if (problems.length > 0 || role === undefined) throw ApiError.invalidRequest(problems);
  return {
    name: body.name,
    clientId: body.clientId,
    clientSecret: body.clientSecret,
    role,
    isDisabled: body.statusId !== ACTIVE_CLIENT_STATUS,
    allowedIpAddresses: body.hasIpAddressRestriction === true ? [...(body.allowedIpAddresses ?? [])] : null,
  };
}
