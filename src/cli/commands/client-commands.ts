// The reseller's commands: expired, renewals, over-limit, companies, export, whoami, usage, renew, clients and
// config (one file each).
import type { RegisterCommands } from '../command-module.js';
import { registerClients } from './clients.js';
import { registerCompanies } from './companies.js';
import { registerConfig } from './config-command.js';
import { registerExpired } from './expired.js';
import { registerExport } from './export.js';
import { registerOverLimit } from './over-limit.js';
import { registerRenew } from './renew.js';
import { registerRenewals } from './renewals.js';
import { registerUsage } from './usage.js';
import { registerWhoami } from './whoami.js';

export const register: RegisterCommands = (program, environment) => {
  for (const registerCommand of [
    registerExpired,
    registerRenewals,
    registerOverLimit,
    registerCompanies,
    registerExport,
    registerWhoami,
    registerUsage,
    registerRenew,
    registerClients,
    registerConfig,
  ]) {
    registerCommand(program, environment);
  }
};
