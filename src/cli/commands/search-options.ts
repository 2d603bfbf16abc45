// The generic search flags shared by `lapse companies` and `lapse export`: free text, --where items, ordering.
import type { Command } from 'commander';
import type { SearchRequest } from '../../client/index.js';
import { canonicalOrderBy, ORDER_BY_ACCEPTED } from '../../contract/index.js';
import { UsageError } from '../exit-codes.js';
import type { CommonFlags } from './client-options.js';
import { filterFrom } from './where-expression.js';

export interface SearchFlags extends CommonFlags {
  text?: string;
  where: string[];
  orderBy: string;
  descending?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function withSearchOptions(command: Command): Command {
  return command
    .option('--text <text>', 'company or reseller name contains this (case-insensitive)')
    .option('--where <expression>', 'filter item "Field Operator Value", repeatable (AND)', collect, [])
    .option('--order-by <field>', `one of ${ORDER_BY_ACCEPTED.join(', ')}`, 'CompanyName')
    .option('--descending', 'order descending');
}

export function searchRequestFrom(flags: SearchFlags): SearchRequest {
  if (canonicalOrderBy(flags.orderBy) === undefined) {
    throw new UsageError(`--order-by: "${flags.orderBy}" is not one of ${ORDER_BY_ACCEPTED.join(', ')}`);
  }
  const filter = filterFrom(flags.where, flags.text);
  return {
    orderBy: flags.orderBy,
    ascending: !flags.descending,
    ...(flags.pageSize === undefined ? {} : { pageSize: flags.pageSize }),
    ...(filter === undefined ? {} : { filter }),
  };
}
