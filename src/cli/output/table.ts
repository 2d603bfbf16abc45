// The human view of a listing: one row per company with its renewal date and how many days overdue or left.
import Table from 'cli-table3';
import {
  type CalendarDay,
  daysBetween,
  licenceLimitOf,
  renewalDayOf,
  type SearchCompanyDto,
  UNLIMITED,
} from '../../contract/index.js';

/** "12 overdue", "today", "5 left" — measured from the listing's day D. */
export function describeDaysLeft(renewalDay: CalendarDay | null, asOf: CalendarDay): string {
  if (renewalDay === null) return 'open-ended';
  const days = daysBetween(asOf, renewalDay);
  if (days === 0) return 'today';
  return days < 0 ? `${-days} overdue` : `${days} left`;
}

function usersOverLimit(company: SearchCompanyDto): string {
  const limit = licenceLimitOf(company) ?? UNLIMITED.toLowerCase();
  return `${company.targetUserCount} / ${limit}`;
}

export function renderTable(companies: readonly SearchCompanyDto[], asOf: CalendarDay): string {
  const table = new Table({
    head: ['Company', 'Company ID', 'Reseller', 'Renewal date', 'Days', 'Users / limit'],
    style: { head: [], border: [] },
  });
  for (const company of companies) {
    const renewalDay = renewalDayOf(company.licenseEndDate);
    table.push([
      company.companyName,
      company.companyResourceId,
      company.resellerName ?? '',
      renewalDay ?? '',
      describeDaysLeft(renewalDay, asOf),
      usersOverLimit(company),
    ]);
  }
  return `${table.toString()}\n`;
}
