import type { RegisterCommands } from '../command-module.js';

export const register: RegisterCommands = (_program) => {};
