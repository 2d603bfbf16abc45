// Every integer flag and integer environment variable is read by this one parser: the same text is accepted
// everywhere (digits, surrounding spaces, an optional unit suffix) and a refusal always reads the same way.
import { InvalidArgumentError } from 'commander';
import type { Environment, EnvironmentVariable } from './environment.js';
import { UsageError } from './exit-codes.js';

export interface IntegerRange {
  min: number;
  /** Inclusive; the largest safe integer when absent. */
  max?: number;
  /** A unit the number may carry, like the "d" of `--within 30d`. */
  suffix?: string;
}

export const PORT_NUMBER: IntegerRange = { min: 0, max: 65_535 };

function describeRange({ min, max, suffix }: IntegerRange): string {
  const bounds = max === undefined ? `, ${min} or more` : ` from ${min} to ${max}`;
  return `expected a whole number${bounds}${suffix ? ` (like 30 or 30${suffix})` : ''}`;
}

function parseInteger(text: string, { min, max = Number.MAX_SAFE_INTEGER, suffix }: IntegerRange): number | undefined {
  const trimmed = text.trim();
  const hasSuffix = suffix !== undefined && trimmed.toLowerCase().endsWith(suffix.toLowerCase());
  const digits = hasSuffix ? trimmed.slice(0, -suffix.length).trimEnd() : trimmed;
  if (!/^\d+$/.test(digits)) return undefined;
  const value = Number(digits);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

/** A commander argParser; commander reports the refusal as a usage error (exit 2) naming the flag. */
export function integerOption(range: IntegerRange): (text: string) => number {
  return (text) => {
    const value = parseInteger(text, range);
    if (value === undefined) throw new InvalidArgumentError(describeRange(range));
    return value;
  };
}

/** The variable's value, or undefined when it is unset or empty; anything else is a usage error naming it. */
export function integerFromEnvironment(
  environment: Environment,
  name: EnvironmentVariable,
  range: IntegerRange,
): number | undefined {
  const text = environment[name];
  if (text === undefined || text === '') return undefined;
  const value = parseInteger(text, range);
  if (value === undefined) throw new UsageError(`${name} is "${text}": ${describeRange(range)}`);
  return value;
}
