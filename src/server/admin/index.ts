// Operator services behind `lapse admin`: companies (create, update, move, CSV import), API credentials and token
// signing keys.
export { AdminError, AdminNotFoundError, cappedDetails } from './admin-error.js';
export {
  type CompanyInput,
  type CompanySummary,
  createCompany,
  createCompanyIn,
  inTransaction,
  updateCompany,
  updateCompanyIn,
} from './companies.js';
export { type CompanyChanges, resolveFieldChanges } from './company-changes.js';
export { type CsvSource, type ImportOptions, type ImportSummary, importCompanies } from './company-import.js';
export { type CompanyListing, type CompanyTreeNode, companyTree, listCompanies } from './company-listing.js';
export { findCompanyByResourceId, resolveCompany, type StoredCompany } from './company-reference.js';
export {
  buildCompanyRow,
  type CatalogueEntry,
  type CompanyFields,
  type CompanyProfile,
  type CompanyRow,
  type ParentPlacement,
} from './company-row.js';
export {
  type CreatedCredential,
  type CredentialInput,
  type CredentialListing,
  createCredential,
  disableCredential,
  listCredentials,
} from './credentials.js';
export { composeResourceId, randomResourceId } from './resource-id.js';
export {
  listSigningKeys,
  revokeSigningKey,
  rotateSigningKey,
  type SigningKeyListing,
  type SigningKeyState,
} from './signing-key-admin.js';
