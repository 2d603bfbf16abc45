// How the listing commands (expired, renewals, over-limit) report: warnings on stderr, the companies in the
// chosen format; the count, day, scope, strategy and ageing in the table's footer, in the JSON document, and on
// stderr beside a CSV or XLSX file (listing-files.ts writes those).

import type { Listing } from '../../client/index.js';
import {
  AGEING_BUCKETS,
  type AgeingBucket,
  ageingBucketOf,
  type CalendarDay,
  describeAgeingBucket,
  renewalDayOf,
  type SearchCompanyDto,
} from '../../contract/index.js';
import { describeListing, type ListingDescription, writeCompanyList } from '../output/index.js';
import type { CommandContext } from './client-options.js';
import type { GroupByFlags } from './group-by.js';
import { type FileOptions, writeListingFile } from './listing-files.js';
import type { SegmentFlags } from './search-options.js';

export interface ListingFlags extends SegmentFlags, GroupByFlags {}

/** The first --limit rows (all of them without --limit). */
export function limitRows<T>(rows: readonly T[], limit: number | undefined): readonly T[] {
  return limit === undefined ? rows : rows.slice(0, limit);
}

export interface AgeingCount {
  bucket: AgeingBucket['id'];
  label: string;
  count: number;
}

/** Companies per ageing bucket on day D, in AGEING_BUCKETS order; buckets no company is in are left out. */
export function countAgeing(companies: readonly SearchCompanyDto[], asOf: CalendarDay): AgeingCount[] {
  const counts = new Map<string, number>();
  for (const company of companies) {
    const bucket = ageingBucketOf(renewalDayOf(company.licenseEndDate), asOf);
    if (bucket) counts.set(bucket.id, (counts.get(bucket.id) ?? 0) + 1);
  }
  return AGEING_BUCKETS.filter((bucket) => counts.has(bucket.id)).map((bucket) => ({
    bucket: bucket.id,
    label: describeAgeingBucket(bucket),
    count: counts.get(bucket.id) ?? 0,
  }));
}

export function describeAgeing(ageing: readonly AgeingCount[]): string {
  const parts = ageing.map((entry) => `${entry.label}: ${entry.count}`);
  return `ageing: ${parts.length === 0 ? 'none in a bucket' : parts.join(' · ')}`;
}

export async function reportListing(
  context: CommandContext,
  listing: Listing,
  options: { showCreated?: boolean; file?: FileOptions } = {},
): Promise<void> {
  context.progress.stop();
  for (const warning of listing.warnings) context.warn(warning);
  const companies = limitRows(listing.companies, context.limit);
  const description: ListingDescription = {
    asOf: listing.asOf,
    timeZone: listing.timeZone,
    scope: context.scope,
    matched: listing.companies.length,
    strategy: listing.strategy,
  };
  const ageing = countAgeing(listing.companies, listing.asOf);
  const { format } = context.target;
  if (format === 'csv' || format === 'xlsx') {
    const lines = [...describeListing(companies.length, description), describeAgeing(ageing)];
    process.stderr.write(`${lines.join('\n')}\n`);
    return writeListingFile(context, companies, description, options.file);
  }
  if (format === 'table') {
    const footer = [...describeListing(companies.length, description), describeAgeing(ageing)];
    return writeCompanyList(context.target, { ...options, companies, description, header: {}, footer });
  }
  await writeCompanyList(context.target, {
    ...options,
    companies,
    description,
    header: {
      strategy: listing.strategy.name,
      reason: listing.strategy.reason,
      asOf: listing.asOf,
      timeZone: listing.timeZone,
      ageing,
    },
  });
}
