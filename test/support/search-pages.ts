// Pages through a whole search over real HTTP, keeping every page, so tests compare the full result set (and
// each page's totals) with what they expect.
import type { SearchCompanyDto, SearchPage, ServiceResult } from '../../src/contract/index.js';
import { callApi } from './api.js';

export interface SearchRun {
  pages: SearchPage[];
  results: SearchCompanyDto[];
}

export interface SearchRunOptions {
  token: string;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Appended to the path, e.g. `?companyId=…`. */
  query?: string;
}

const MAX_PAGES = 10_000;

export async function searchPageOf(baseUrl: string, options: SearchRunOptions, pageNumber: number) {
  const response = await callApi<ServiceResult<SearchPage>>(baseUrl, `/api/companies/search${options.query ?? ''}`, {
    token: options.token,
    body: { ...options.body, pageNumber },
    headers: options.headers,
  });
  if (response.status !== 200 || !response.body.data) {
    throw new Error(`search page ${pageNumber} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body.data;
}

/** Every page from 1 to totalNumberOfPages. */
export async function searchAllPages(baseUrl: string, options: SearchRunOptions): Promise<SearchRun> {
  const pages: SearchPage[] = [];
  for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber++) {
    const page = await searchPageOf(baseUrl, options, pageNumber);
    pages.push(page);
    if (pageNumber >= page.totalNumberOfPages) break;
  }
  return { pages, results: pages.flatMap((page) => page.results) };
}

export const resourceIdsOf = (results: { companyResourceId: string }[]) => results.map((r) => r.companyResourceId);

export const sortedIds = (ids: Iterable<string>) => [...ids].sort();
