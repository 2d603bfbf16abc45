// The search flags: the segment every listing takes (free text, --where items, one reseller, one licence type)
// and, for `lapse companies` and `lapse export`, the ordering.
import type { Command } from 'commander';
import { createSegment, NotFoundError, type SearchRequest, type Segment } from '../../client/index.js';
import { canonicalOrderBy, ORDER_BY_ACCEPTED, RESOURCE_ID_PATTERN } from '../../contract/index.js';
import { UsageError } from '../exit-codes.js';
import { parseColumnsOption } from '../output/index.js';
import type { CommandContext, CommonFlags } from './client-options.js';
import { parseWhere } from './where-expression.js';

export interface SegmentFlags extends CommonFlags {
  text?: string;
  where: string[];
  reseller?: string;
  licenceType?: string;
  /** --columns, parsed: a listing file's column names in order. */
  columns?: string[];
}

export interface SearchFlags extends SegmentFlags {
  orderBy: string;
  descending?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function withSegmentOptions(command: Command): Command {
  return command
    .option('--text <text>', 'company or reseller name contains this (case-insensitive)')
    .option('--where <expression>', 'filter item "Field Operator Value", repeatable (AND)', collect, [])
    .option('--reseller <name|id>', 'only the companies whose reseller has this name or resource id')
    .option('--licence-type <name|id>', 'only the companies with this licence type (name or resource id)')
    .option(
      '--columns <list>',
      'CSV/XLSX: these columns, in this order (--columns help lists them)',
      parseColumnsOption,
    );
}

export function withSearchOptions(command: Command): Command {
  return withSegmentOptions(command)
    .option('--order-by <field>', `one of ${ORDER_BY_ACCEPTED.join(', ')}`, 'CompanyName')
    .option('--descending', 'order descending');
}

/** A reseller given by resource id is matched by its name, the one the search rows carry. */
async function resellerNameOf(context: CommandContext, reseller: string): Promise<string> {
  if (!RESOURCE_ID_PATTERN.test(reseller)) return reseller;
  try {
    return (await context.client.companies.get(reseller)).name;
  } catch (error) {
    // Twelve letters and digits may be a name too: one the server does not know as an id is taken as a name.
    if (error instanceof NotFoundError) return reseller;
    throw error;
  }
}

export async function segmentFrom(flags: SegmentFlags, context: CommandContext): Promise<Segment | undefined> {
  return createSegment({
    text: flags.text,
    items: flags.where.map(parseWhere),
    resellerName: flags.reseller === undefined ? undefined : await resellerNameOf(context, flags.reseller),
    licenceType: flags.licenceType,
  });
}

export async function searchRequestFrom(flags: SearchFlags, context: CommandContext): Promise<SearchRequest> {
  if (canonicalOrderBy(flags.orderBy) === undefined) {
    throw new UsageError(`--order-by: "${flags.orderBy}" is not one of ${ORDER_BY_ACCEPTED.join(', ')}`);
  }
  const segment = await segmentFrom(flags, context);
  return {
    orderBy: flags.orderBy,
    ascending: !flags.descending,
    ...(flags.pageSize === undefined ? {} : { pageSize: flags.pageSize }),
    ...(segment === undefined ? {} : { filter: segment.filter }),
  };
}
