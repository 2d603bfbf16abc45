// contract §1: the OAuth2 client-credentials token endpoint and the JWT it issues.
import { Type } from '@sinclair/typebox';
import type { Permission, Role } from './roles.js';

export const TOKEN_PATH = '/connect/token';
export const JWKS_PATH = '/.well-known/jwks.json';
export const TOKEN_SCOPE = 'api1';
export const TOKEN_LIFETIME_SECONDS = 3600;

export const TokenResponseSchema = Type.Object({
  access_token: Type.String(),
  expires_in: Type.Integer(),
  token_type: Type.Literal('Bearer'),
  scope: Type.String(),
  permissions: Type.Array(Type.String()),
});

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: string;
  permissions: Permission[];
}

export const OAUTH_ERRORS = ['invalid_client', 'invalid_request', 'unsupported_grant_type', 'invalid_scope'] as const;
export type OAuthErrorCode = (typeof OAUTH_ERRORS)[number] | 'rate_limited';

export const OAuthErrorSchema = Type.Object({ error: Type.String(), error_description: Type.String() });
export interface OAuthError {
  error: OAuthErrorCode | string;
  error_description: string;
}

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
  user_company_name: string;
  user_company_parentcompany_resourceid?: string;
  user_company_parentcompany_name?: string;
}
