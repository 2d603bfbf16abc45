// The companies endpoints (contract §4–§6) over the one request function.
import {
  type CompanyDto,
  EXPORT_FILE_NAMES,
  type ExportType,
  HEADERS,
  MAX_PAGE_SIZE,
  type MyCompanyNode,
  type SearchBody,
  type SearchCompanyDto,
  type SearchPage,
} from '../contract/index.js';
import { NetworkError, ServerError } from './errors.js';
import { type ApiTransport, callApi, callJsonApi } from './http.js';
import { normaliseCompany, normaliseMyCompanies, normaliseSearchPage } from './normalise-dto.js';
import { type PageScanOptions, scanPages } from './paginate.js';

/** A search body where everything but the filter has a default (page 1 of 1000, by company name). */
export type SearchRequest = Partial<SearchBody>;

export interface ExportRequest extends SearchRequest {
  exportType: ExportType;
  reportAllPages?: boolean;
}

export interface ExportFile {
  stream: ReadableStream<Uint8Array>;
  contentType: string;
  fileName: string;
  /** contract §5: X-Total-Count, the number of data rows in the file (when the server sends it). */
  totalCount: number | undefined;
}

export interface Companies {
  search(body?: SearchRequest): Promise<SearchPage>;
  /** Every row of every page, each company once. */
  iterate(body?: SearchRequest, options?: PageScanOptions): AsyncGenerator<SearchCompanyDto>;
  /** A 404 means the server has no export route (or the company is unknown): callers may write locally. */
  export(body: ExportRequest): Promise<ExportFile>;
  my(): Promise<MyCompanyNode[]>;
  get(resourceId: string): Promise<CompanyDto>;
}

export function completeSearchBody(body: SearchRequest = {}): SearchBody {
  return { pageNumber: 1, pageSize: MAX_PAGE_SIZE, orderBy: 'CompanyName', ascending: true, ...body };
}

function fileNameOf(disposition: string | null, defaultName: string): string {
  const match = disposition === null ? null : /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return match?.[1] ? decodeURIComponent(match[1]) : defaultName;
}

/** A download cut short is a NetworkError like any other lost connection, so callers can tell it apart. */
function typedErrors(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        controller.error(new NetworkError(`the export was cut off (${reason})`, { cause: error }));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** A 200 export's file: its stream (cut-offs typed as NetworkError), type, name and row count. */
export async function readExportFile(response: Response, defaultName: string): Promise<ExportFile> {
  if (response.body === null) throw new ServerError('the export answered without a body');
  const totalCount = Number(response.headers.get(HEADERS.totalCount) ?? Number.NaN);
  return {
    stream: typedErrors(response.body),
    contentType: response.headers.get('content-type') ?? 'application/octet-stream',
    fileName: fileNameOf(response.headers.get('content-disposition'), defaultName),
    totalCount: Number.isFinite(totalCount) ? totalCount : undefined,
  };
}

export function createCompanies(transport: ApiTransport): Companies {
  const search = (body?: SearchRequest) => {
    const complete = completeSearchBody(body);
    return callJsonApi(transport, 'POST', '/api/companies/search', complete, (data) =>
      normaliseSearchPage(data, complete),
    );
  };
  return {
    search,
    async *iterate(body, options) {
      const seen = new Set<string>();
      for await (const { page } of scanPages(search, completeSearchBody(body), options)) {
        for (const company of page.results) {
          if (seen.has(company.companyResourceId)) continue;
          seen.add(company.companyResourceId);
          yield company;
        }
      }
    },
    export(body) {
      return callApi(
        transport,
        'POST',
        '/api/companies/search/export',
        { ...completeSearchBody(body), ...body },
        (response) => readExportFile(response, EXPORT_FILE_NAMES[body.exportType]),
      );
    },
    my: () => callJsonApi(transport, 'GET', '/api/companies/my', undefined, normaliseMyCompanies),
    get: (resourceId) =>
      callJsonApi(transport, 'GET', `/api/companies/${encodeURIComponent(resourceId)}`, undefined, normaliseCompany),
  };
}
