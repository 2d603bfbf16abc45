// The reseller's commands: expired, renewals, over-limit, companies, export, whoami, usage, renew, clients,
// config, snapshot, changes, notify, ack and tree (one file each).
import type { RegisterCommands } from '../command-module.js';
import { registerAck } from './ack.js';
import { registerChanges } from './changes.js';
import { registerClients } from './clients.js';
import { registerCompanies } from './companies.js';
import { registerConfig } from './config-command.js';
import { registerExpired } from './expired.js';
import { registerExport } from './export.js';
import { registerNotify } from './notify.js';
import { registerOverLimit } from './over-limit.js';
import { registerRenew } from './renew.js';
import { registerRenewals } from './renewals.js';
import { registerSnapshot } from './snapshot.js';
import { registerTree } from './tree.js';
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
    registerSnapshot,
    registerChanges,
    registerNotify,
    registerAck,
    registerTree,
    registerConfig,
  ]) {
    registerCommand(program, environment);
  }
};
