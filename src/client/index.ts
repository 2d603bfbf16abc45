// The public SDK (`lapse/client`): createClient() and the types and errors callers need. No CLI code here;
// it runs wherever Node 20's global fetch does.
import type { TokenClaims } from '../contract/index.js';
import { type ApiClients, createApiClients } from './api-clients.js';
import { type Companies, createCompanies } from './companies.js';
import { type CompanyWrites, createCompanyWrites } from './company-writes.js';
import type { ApiTransport } from './http.js';
import { type MonthlyUsage, type MonthlyUsageOptions, readMonthlyUsage } from './monthly-usage.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { createRollUp, type RollUp, type RollUpOptions } from './roll-up.js';
import { createLicenceListings, type LicenceListings } from './strategies/index.js';
import { createTokenCache } from './token.js';

export {
  type ClientDto,
  type ClientPage,
  type ClientWriteBody,
  type CompanyWriteBody,
  companyWriteBodyOf,
  type SystemRoleDto,
} from '../contract/index.js';
export type { ApiClients, ClientExportRequest, ClientSearchRequest } from './api-clients.js';
export type { Companies, ExportFile, ExportRequest, SearchRequest } from './companies.js';
export { looksLikeResourceId, type NamedCompany, resolveCompanies, resolveCompany } from './company-names.js';
export type { CompanyWrites, WriteOptions } from './company-writes.js';
export * from './errors.js';
export { isConnectFailure } from './http.js';
export {
  checkUsageMonth,
  type LicenceTypeUsage,
  type MonthlyUsage,
  type MonthlyUsageOptions,
  MonthlyUsageUnsupportedError,
  type ResellerUsage,
} from './monthly-usage.js';
export { DEFAULT_RETRY_POLICY, type RetryNotice, type RetryPolicy } from './retry-policy.js';
export {
  type Assigned as RollUpMember,
  GROUP_BY,
  type GroupBy,
  type GroupTotals,
  groupNameOf,
  type RollUp,
  type RollUpGroup,
  type RollUpOptions,
  type RollUpPopulation,
  totalsOf,
} from './roll-up.js';
export type {
  ChosenStrategy,
  CreatedWithinOptions,
  LicenceListings,
  Listing,
  ListingOptions,
  ListingProgress,
  ListingStream,
  ListingSummary,
  RenewingOptions,
  Segment,
  SegmentOptions,
  StrategyName,
} from './strategies/index.js';
export { createSegment } from './strategies/index.js';

export interface ClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** contract §3: scope search and export to this customer and the companies below it. */
  companyId?: string | undefined;
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  /** The clock (epoch ms): decides "today" and token renewal; tests pin it. */
  now?: () => number;
}

export interface WhoAmI {
  /** The token's claims, decoded without verifying; the token itself is never exposed. */
  claims: Partial<TokenClaims>;
  permissions: string[];
  scope: string | undefined;
  /** When the current token expires (ISO-8601). */
  expiresAt: string;
}

export interface LapseClient extends LicenceListings {
  /** contract §4–§6 reads and §10 writes. */
  companies: Companies & CompanyWrites;
  /** contract §10: a managed customer's REST API clients. */
  clients: ApiClients;
  /** Totals per reseller or licence type of a listing. */
  rollUp(options: RollUpOptions): Promise<RollUp>;
  whoami(): Promise<WhoAmI>;
  /** The month's monthly active users over every company in scope, per reseller and per licence type. */
  monthlyUsage(options: MonthlyUsageOptions): Promise<MonthlyUsage>;
}

export function createClient(options: ClientOptions): LapseClient {
  const transport = {
    baseUrl: options.baseUrl,
    fetch: options.fetch ?? globalThis.fetch,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    now: options.now ?? Date.now,
  };
  const tokens = createTokenCache(transport, { clientId: options.clientId, clientSecret: options.clientSecret });
  const api: ApiTransport = { ...transport, tokens, companyId: options.companyId };
  const companies = createCompanies(api);
  const listings = createLicenceListings(companies.search, transport.now);
  return {
    companies: { ...companies, ...createCompanyWrites(api, companies) },
    clients: createApiClients(api),
    ...listings,
    rollUp: createRollUp(companies.search, listings, transport.now),
    monthlyUsage: (usage) => readMonthlyUsage(api, usage),
    async whoami() {
      const grant = await tokens.grant();
      return {
        claims: grant.claims,
        permissions: grant.permissions,
        scope: grant.scope,
        expiresAt: new Date(grant.expiresAt).toISOString(),
      };
    },
  };
}
