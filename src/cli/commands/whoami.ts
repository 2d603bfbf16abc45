// `lapse whoami`: who the credential is (the token's claims) and what it may call; never the token itself.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { writeOutput } from '../output/index.js';
import { clientAction, withCommonOptions } from './client-options.js';

export function registerWhoami(program: Command, environment: Environment): void {
  withCommonOptions(
    program.command('whoami').description("show the credential's role, company and permissions"),
  ).action(
    clientAction(environment, async (context) => {
      const identity = await context.client.whoami();
      if (context.target.format === 'json') {
        return writeOutput(context.target.destination, `${JSON.stringify(identity, null, 2)}\n`);
      }
      const { claims } = identity;
      const parent = claims.user_company_parentcompany_name
        ? `${claims.user_company_parentcompany_name} (${claims.user_company_parentcompany_resourceid ?? ''})`
        : '-';
      const lines = [
        `client id:   ${claims.client_id ?? claims.sub ?? '-'}`,
        `role:        ${claims.role ?? '-'}`,
        `company:     ${claims.user_company_name ?? '-'} (${claims.user_company_resourceid ?? '-'})`,
        `parent:      ${parent}`,
        `issuer:      ${claims.iss ?? '-'}`,
        `expires at:  ${identity.expiresAt}`,
        'permissions:',
        ...identity.permissions.map((permission) => `  ${permission}`),
      ];
      return writeOutput(context.target.destination, `${lines.join('\n')}\n`);
    }),
  );
}
