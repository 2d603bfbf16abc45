import type { Command } from 'commander';
import type { Environment } from './environment.js';

/** Each file in commands/ adds its commands to the program through one of these. */
export type RegisterCommands = (program: Command, environment: Environment) => void;
