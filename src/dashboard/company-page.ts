// One page of a view for the browser: the rows it shows, the totals, and the reseller names for its filter.

import type { CompanyPage, ViewQuery } from '../contract/index.js';
import { describeCompany, type ViewRows } from './portfolio.js';

export function cutCompanyPage(
  query: ViewQuery,
  { info, viewRows, rows, resellerTotal, policy, acknowledgements }: ViewRows,
): CompanyPage {
  const pageCount = Math.max(1, Math.ceil(rows.length / query.pageSize));
  // A page past the end (the filter shrank the rows) shows the last page rather than nothing.
  const page = Math.min(query.page, pageCount);
  const start = (page - 1) * query.pageSize;
  const resellers = new Set<string>();
  const licenceTypes = new Set<string>();
  for (const { dto } of viewRows) {
    if (dto.resellerName) resellers.add(dto.resellerName);
    if (dto.licenseTypeName) licenceTypes.add(dto.licenseTypeName);
  }
  return {
    ...info,
    view: query.view,
    sort: query.sort,
    ascending: query.ascending,
    rows: rows
      .slice(start, start + query.pageSize)
      .map((company) => describeCompany(company, info.asOf, policy, acknowledgements.marks)),
    total: rows.length,
    viewTotal: viewRows.length,
    resellerTotal,
    page,
    pageSize: query.pageSize,
    pageCount,
    resellers: [...resellers].sort((a, b) => a.localeCompare(b)),
    licenceTypes: [...licenceTypes].sort((a, b) => a.localeCompare(b)),
    acknowledgementsProblem: acknowledgements.problem,
  };
}
