import type { Command } from 'commander';

/** Each file in commands/ adds its commands to the program through one of these. */
export type RegisterCommands = (program: Command) => void;
