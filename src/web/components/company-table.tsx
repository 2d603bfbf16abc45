// One page of a view's companies, with sortable column headers (buttons, so the keyboard can sort too) that stay
// in view while the rows scroll; a row (its company name is a button) opens the company's details.
import type { ComponentChildren } from 'preact';
import { type CompanyRow, type SortKey, UNLIMITED, type ViewName } from '../../contract/index.js';
import { describeDays, formatDay, formatNumber } from '../format.js';
import { AcknowledgementMark } from './acknowledgement-mark.js';
import { StateBadge } from './lifecycle-state.js';

interface Column {
  title: string;
  sort?: SortKey;
  numeric?: boolean;
  cell(row: CompanyRow): ComponentChildren;
}

const company: Column = {
  title: 'Company',
  sort: 'companyName',
  cell: (row) => (
    <div class="company-cell">
      <button type="button" class="company-name" data-open-company={row.companyResourceId}>
        {row.companyName}
      </button>
      <span class="company-id">{row.companyResourceId}</span>
      {row.acknowledgement && <AcknowledgementMark mark={row.acknowledgement} />}
    </div>
  ),
};
const reseller: Column = { title: 'Reseller', sort: 'resellerName', cell: (row) => row.resellerName ?? '—' };
const licenceType: Column = {
  title: 'Licence type',
  sort: 'licenseTypeName',
  cell: (row) => row.licenseTypeName ?? '—',
};
const renewal: Column = { title: 'Renewal date', sort: 'renewalDay', cell: (row) => formatDay(row.renewalDay) };
const status: Column = {
  title: 'Status',
  cell: (row) => {
    const { text, urgency } = describeDays(row.daysFromAsOf);
    return <span class={`pill pill-${urgency}`}>{text}</span>;
  },
};
const lifecycle: Column = { title: 'Lifecycle', cell: (row) => <StateBadge lifecycle={row.lifecycle} /> };
const targetUsers: Column = {
  title: 'Target users',
  sort: 'targetUserCount',
  numeric: true,
  cell: (row) => formatNumber(row.targetUserCount),
};
const limit: Column = {
  title: 'Licence limit',
  sort: 'licenceLimit',
  numeric: true,
  cell: (row) => (row.licenceLimit === null ? <span class="muted">{UNLIMITED}</span> : formatNumber(row.licenceLimit)),
};
const overBy: Column = {
  title: 'Over by',
  sort: 'overBy',
  numeric: true,
  cell: (row) => (row.overBy === null ? '—' : <span class="over-by">+{formatNumber(row.overBy)}</span>),
};

const COLUMNS: Record<ViewName, Column[]> = {
  expired: [company, reseller, licenceType, renewal, status, lifecycle, targetUsers, limit],
  renewing: [company, reseller, licenceType, renewal, status, lifecycle, targetUsers, limit],
  'over-limit': [company, reseller, licenceType, targetUsers, limit, overBy, renewal, status, lifecycle],
};

/** Text columns start A→Z; number and date columns start with the largest or latest. */
const FIRST_DIRECTION_ASCENDING: Record<SortKey, boolean> = {
  companyName: true,
  resellerName: true,
  licenseTypeName: true,
  renewalDay: true,
  targetUserCount: false,
  licenceLimit: false,
  overBy: false,
};

interface CompanyTableProps {
  view: ViewName;
  rows: CompanyRow[];
  sort: SortKey;
  ascending: boolean;
  isLoading: boolean;
  /** The company open in the details, marked in the table. */
  openCompany: string;
  onSort(sort: SortKey, ascending: boolean): void;
  onOpen(companyResourceId: string): void;
}

export function CompanyTable({
  view,
  rows,
  sort,
  ascending,
  isLoading,
  openCompany,
  onSort,
  onOpen,
}: CompanyTableProps) {
  const columns = COLUMNS[view];
  return (
    <div class={isLoading ? 'table-wrap is-loading' : 'table-wrap'}>
      <table class="companies" data-view={view}>
        <thead>
          <tr>
            {columns.map((column) => {
              const isSorted = column.sort === sort;
              const ariaSort = isSorted ? (ascending ? 'ascending' : 'descending') : undefined;
              return (
                <th key={column.title} scope="col" class={column.numeric ? 'numeric' : undefined} aria-sort={ariaSort}>
                  {column.sort === undefined ? (
                    column.title
                  ) : (
                    <button
                      type="button"
                      class="sort-button"
                      onClick={() => {
                        const key = column.sort as SortKey;
                        onSort(key, isSorted ? !ascending : FIRST_DIRECTION_ASCENDING[key]);
                      }}
                    >
                      {column.title}
                      <span class="sort-mark" aria-hidden="true">
                        {isSorted ? (ascending ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.companyResourceId}
              data-company-id={row.companyResourceId}
              data-state={row.lifecycle.state}
              class={row.companyResourceId === openCompany ? 'is-open' : undefined}
              onClick={() => onOpen(row.companyResourceId)}
            >
              {columns.map((column) => (
                <td key={column.title} class={column.numeric ? 'numeric' : undefined}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
