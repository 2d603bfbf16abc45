// Runs the program. Commands throw; whatever a command's action throws ends here as one line on stderr,
// `lapse <command>: <message>`, and the exit code of its category (exit-codes.ts). Commander's own refusals
// (unknown flags, bad flag values) exit 2 through the program's exitOverride.
import type { Command } from 'commander';
import { describeError, exitCodeFor } from './exit-codes.js';

/** "lapse admin credential disable": the words that reach the command. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current !== null; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

export async function runProgram(program: Command, argv: readonly string[]): Promise<void> {
  let running = program;
  program.hook('preAction', (_program, actionCommand) => {
    running = actionCommand;
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.stderr.write(`${commandPath(running)}: ${describeError(error)}\n`);
    process.exitCode = exitCodeFor(error);
  }
}
