// `lapse seed`: fill an empty database with a deterministic company tree (same flags → same rows).
import { resolveAsOf } from '../../contract/index.js';
import { type SeedSummary, seedCompanies } from '../../server/seed/index.js';
import type { RegisterCommands } from '../command-module.js';
import { clockFrom } from '../config.js';
import { integerOption } from '../integer-option.js';
import { type DatabaseFlags, printJson, withDatabaseOption } from './database-option.js';

interface SeedFlags extends DatabaseFlags {
  companies: number;
  seed: number;
  today?: string;
  reset?: boolean;
}

function describeSummary(summary: SeedSummary, seconds: number): string {
  const { counts } = summary;
  const largest = [...summary.resellers].sort((a, b) => b.descendantCount - a.descendantCount)[0];
  return [
    `Seeded ${counts.companies} companies in ${seconds.toFixed(1)} s (seed ${summary.seed}, today ${summary.today}).`,
    `Root: ${summary.rootResourceId} (Lapse Platform); ${summary.resellers.length} top-level resellers` +
      (largest
        ? `, e.g. ${largest.resourceId} "${largest.name}" with ${largest.descendantCount} companies below.`
        : '.'),
    `Expired ${counts.expired}, renewing today ${counts.renewingToday}, within 30 days ` +
      `${counts.renewingWithin30Days}, open-ended ${counts.openEnded}, over their limit ${counts.overLimit}; ` +
      `depth up to ${counts.maxDepth}.`,
  ].join('\n');
}

async function seed(flags: SeedFlags, now: () => number): Promise<void> {
  const started = performance.now();
  const showProgress = process.stderr.isTTY === true;
  const summary = await seedCompanies(flags.database, {
    companies: flags.companies,
    seed: flags.seed,
    // The edge decides what today is: the flag, else the current UTC day.
    today: resolveAsOf({ asOf: flags.today }, now).asOf,
    reset: flags.reset === true,
    onProgress: showProgress ? (written, total) => process.stderr.write(`seeded ${written} of ${total}\n`) : undefined,
  });
  const seconds = (performance.now() - started) / 1000;
  if (flags.json) printJson({ ...summary, seconds: Number(seconds.toFixed(2)) });
  else process.stdout.write(`${describeSummary(summary, seconds)}\n`);
}

export const register: RegisterCommands = (program, environment) => {
  withDatabaseOption(
    program
      .command('seed')
      .description('Fill an empty database with a deterministic tree of companies (for demos, tests and benchmarks)')
      .requiredOption(
        '--companies <n>',
        'how many companies, root and resellers included',
        integerOption({
          min: 1,
          max: 20_000_000,
        }),
      )
      .option(
        '--seed <s>',
        'PRNG seed: the same seed gives the same rows',
        integerOption({ min: 0, max: 0xffff_ffff }),
        1,
      )
      .option('--today <YYYY-MM-DD>', 'the day renewal dates are spread around (default: today, UTC)')
      .option('--reset', 'delete every company and credential first'),
    environment,
  ).action((flags: SeedFlags) => seed(flags, clockFrom(environment)));
};
