// contract §1: the OAuth2 client-credentials token endpoint and the JWT it issues.
import { type Static, Type } from '@sinclair/typebox';
import { PERMISSION, type Permission, type Role } from './roles.js';

export const TOKEN_PATH = '/connect/token';
export const JWKS_PATH = '/.well-known/jwks.json';
export const TOKEN_SCOPE = 'api1';
export const TOKEN_LIFETIME_SECONDS = 3600;

export const TokenResponseSchema = Type.Object({
  access_token: Type.String(),
  expires_in: Type.Integer(),
  token_type: Type.Literal('Bearer'),
  scope: Type.String(),
  // An enum rather than a union of literals: the same values and type, but a union is serialised by testing each
  // branch in turn, and compiling that cost the server's first token a noticeable share of its start (bench: startup).
  permissions: Type.Array(Type.Unsafe<Permission>({ type: 'string', enum: Object.values(PERMISSION) })),
});
export type TokenResponse = Static<typeof TokenResponseSchema>;

export const OAUTH_ERRORS = ['invalid_client', 'invalid_request', 'unsupported_grant_type', 'invalid_scope'] as const;
export type OAuthErrorCode = (typeof OAUTH_ERRORS)[number] | 'rate_limited';

export const OAuthErrorSchema = Type.Object({ error: Type.String(), error_description: Type.String() });
/** `error` is one of OAuthErrorCode from lapse; other servers may send others. */
export type OAuthError = Static<typeof OAuthErrorSchema>;

export interface TokenClaims {
  iss: string;
  sub: string;
  client_id: string;
  jti: string;
  iat: number;
  exp: number;
  scope: string[];
  role: Role | string;
  reseller_access: boolean;
  company_admin_access: boolean;
  root_access: boolean;
  user_company_resourceid: string;
  /** The company's integer id, the one CompanyDto's `parentId` names. */
  user_company_id: number;
  user_company_name: string;
  user_company_parentcompany_resourceid?: string;
  user_company_parentcompany_name?: string;
  /** lapse's own: names the client secret the token was issued for, so a rotation ends the tokens it issued. */
  secret_version?: string;
}
