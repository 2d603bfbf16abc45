// Table types for Kysely. Times are epoch milliseconds (BIGINT) on both databases, so the query code and
// date comparisons are the same everywhere; booleans are 0/1 integers for the same reason.
import type { Generated } from 'kysely';

export interface CompaniesTable {
  id: Generated<number>;
  resource_id: string;
  name: string;
  /** lower-cased name: case-insensitive matching and ordering without per-dialect collations. */
  name_folded: string;
  parent_id: number | null;
  /**
   * Materialised path of resource ids, `/root/reseller/…/self/`. A subtree is one index range:
   * path > '/a/b/' AND path < '/a/b0' ('/' sorts just below '0' and below every id character).
   */
  path: string;
  depth: number;
  // The parent's, industry's and licence type's names are copied here (and kept in step on update) so that
  // search and export filter and order on one table.
  reseller_name: string | null;
  reseller_name_folded: string | null;
  industry_resource_id: string | null;
  industry_name: string | null;
  industry_name_folded: string | null;
  license_type_resource_id: string | null;
  license_type_name: string | null;
  license_type_name_folded: string | null;
  is_number_of_users_limited: number;
  number_of_users: number;
  license_start_at: number | null;
  license_end_at: number | null;
  created_at: number;
  target_user_count: number;
  inactive_target_user_count: number;
  deleted_target_user_count: number;
  monthly_active_user_count: number;
  /** JSON array of the tags as given. */
  tags: string;
  /** Folded tags between unit separators (`\x1fa\x1fb\x1f`), so "some tag equals x" is one LIKE. */
  tags_folded: string;
  privacy_duration_id: number;
  time_zone_id: string | null;
}

export interface CatalogueTable {
  resource_id: string;
  name: string;
}

export interface CredentialsTable {
  client_id: string;
  /** `scrypt$N$r$p$salt$hash`, base64url parts. */
  secret_hash: string;
  role: string;
  company_id: number;
  is_disabled: number;
  created_at: number;
  description: string | null;
}

export interface SigningKeysTable {
  kid: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
}

export interface RateLimitBucketsTable {
  bucket_key: string;
  tokens: number;
  updated_at: number;
}

export interface LapseDatabase {
  companies: CompaniesTable;
  industries: CatalogueTable;
  license_types: CatalogueTable;
  credentials: CredentialsTable;
  signing_keys: SigningKeysTable;
  rate_limit_buckets: RateLimitBucketsTable;
}
