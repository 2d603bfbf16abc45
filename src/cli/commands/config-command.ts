// `lapse config set KEY [VALUE] [--profile NAME]` and `lapse config list`: the client config file, written whole
// and readable by its owner only. A secret is best given on stdin (VALUE left out), away from the shell history.
import type { Command } from 'commander';
import {
  CONFIG_KEYS,
  type ConfigFile,
  configPathOf,
  isConfigKey,
  readConfigFile,
  type Settings,
  writeConfigFile,
} from '../config.js';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';
import { withShortUsage } from './client-options.js';

interface ConfigCommandFlags {
  config?: string;
  profile?: string;
}

async function readStdinLine(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('value (then Enter): ');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split('\n')[0]?.trim() ?? '';
}

function withSetting(file: ConfigFile, profile: string | undefined, key: string, value: string): ConfigFile {
  if (profile === undefined) return { ...file, settings: { ...file.settings, [key]: value } };
  const current: Settings = Object.hasOwn(file.profiles, profile) ? (file.profiles[profile] ?? {}) : {};
  return { ...file, profiles: { ...file.profiles, [profile]: { ...current, [key]: value } } };
}

function describeSettings(settings: Settings): string {
  const known = Object.keys(CONFIG_KEYS).filter((key) => isConfigKey(key) && settings[key] !== undefined);
  if (known.length === 0) return '(nothing set)';
  // A secret is never printed back, only that it is there.
  return known.map((key) => `${key}=${key === 'clientSecret' ? '(set)' : settings[key as keyof Settings]}`).join('  ');
}

export function registerConfig(program: Command, environment: Environment): void {
  const config = withShortUsage(
    program
      .command('config')
      .description(
        `the client config file's settings (${Object.keys(CONFIG_KEYS).join(', ')}), top-level or per --profile`,
      ),
  );
  withShortUsage(
    config
      .command('set')
      .argument(
        '<key>',
        Object.entries(CONFIG_KEYS)
          .map(([key, what]) => `${key}: ${what}`)
          .join('; '),
      )
      .argument('[value]', 'the value; read from stdin when left out (use that for clientSecret)')
      .option('--profile <name>', 'set it in this profile (created when new)')
      .option('--config <file>', 'the config file (default $XDG_CONFIG_HOME/lapse/config.json)')
      .description('set one setting in the config file'),
  ).action(async (key: string, value: string | undefined, flags: ConfigCommandFlags) => {
    if (!isConfigKey(key)) throw new UsageError(`unknown key "${key}" (known: ${Object.keys(CONFIG_KEYS).join(', ')})`);
    const text = value ?? (await readStdinLine());
    if (text === '') throw new UsageError(`no value for ${key}`);
    const path = configPathOf(flags, environment);
    const file = await readConfigFile(path, false);
    await writeConfigFile(path, withSetting(file, flags.profile, key, text));
    const where = flags.profile === undefined ? '' : ` (profile ${flags.profile})`;
    process.stderr.write(`set ${key}${where} in ${path}\n`);
  });
  withShortUsage(
    config
      .command('list')
      .option('--config <file>', 'the config file (default $XDG_CONFIG_HOME/lapse/config.json)')
      .description('show the config file and its profiles (secrets shown only as set)'),
  ).action(async (flags: ConfigCommandFlags) => {
    const path = configPathOf(flags, environment);
    const file = await readConfigFile(path, flags.config !== undefined);
    const names = Object.keys(file.profiles);
    const width = Math.max('(top level)'.length, ...names.map((name) => name.length));
    const lines = [
      path,
      `${'(top level)'.padEnd(width)}  ${describeSettings(file.settings)}`,
      ...names.map((name) => `${name.padEnd(width)}  ${describeSettings(file.profiles[name] ?? {})}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
