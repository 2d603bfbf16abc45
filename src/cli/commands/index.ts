// Every command the CLI has, in the order `lapse --help` lists them: server-side first, then the reseller's.
import type { RegisterCommands } from '../command-module.js';
import { register as registerAdmin } from './admin.js';
import { register as registerClientCommands } from './client-commands.js';
import { register as registerMigrate } from './migrate.js';
import { register as registerSeed } from './seed.js';
import { register as registerServe } from './serve.js';
import { register as registerUi } from './ui.js';

export const COMMANDS: readonly RegisterCommands[] = [
  registerServe,
  registerSeed,
  registerAdmin,
  registerMigrate,
  registerClientCommands,
  registerUi,
];
