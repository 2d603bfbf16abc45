// `lapse export`: the server's export endpoint (contract §5); when the server has no export route (404), the
// same rows are read through search and the file is written here with the same writers.
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { type Command, Option } from 'commander';
import { type LapseClient, NotFoundError, type SearchRequest } from '../../client/index.js';
import { EXPORT_FILE_NAMES, type SearchCompanyDto } from '../../contract/index.js';
import { type SpreadsheetFormat, streamSpreadsheet } from '../../spreadsheet/index.js';
import type { Environment } from '../environment.js';
import { integerOption } from '../integer-option.js';
import { writeOutput } from '../output/index.js';
import { clientAction, withCommonOptions } from './client-options.js';
import { type SearchFlags, searchRequestFrom, withSearchOptions } from './search-options.js';

interface ExportFlags extends SearchFlags {
  type: SpreadsheetFormat;
  allPages?: boolean;
  page: number;
}

async function* onePage(client: LapseClient, request: SearchRequest): AsyncGenerator<SearchCompanyDto> {
  yield* (await client.companies.search(request)).results;
}

export function registerExport(program: Command, environment: Environment): void {
  withCommonOptions(
    withSearchOptions(
      program
        .command('export')
        .description('export companies to CSV or Excel through the server (written locally when it has no export)')
        .addOption(new Option('--type <type>', 'file type').choices(['csv', 'xlsx']).default('csv'))
        .option('--all-pages', 'every matching row, not only the selected page')
        .option('--page <n>', 'the page to export without --all-pages', integerOption({ min: 1 }), 1),
    ),
  ).action(
    clientAction<ExportFlags>(environment, async (context, flags) => {
      const request: SearchRequest = { ...searchRequestFrom(flags), pageNumber: flags.page };
      const exportType = flags.type === 'csv' ? 'CSV' : 'Excel';
      const output = flags.output ?? EXPORT_FILE_NAMES[exportType];
      try {
        const file = await context.client.companies.export({
          ...request,
          exportType,
          reportAllPages: flags.allPages === true,
        });
        await writeOutput(output, Readable.fromWeb(file.stream as NodeWebReadableStream<Uint8Array>));
        process.stderr.write(`wrote ${output} (${file.totalCount ?? 'unknown number of'} rows, server export)\n`);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        context.warn('the server has no export route; writing the file from search results');
        const rows = flags.allPages ? context.client.companies.iterate(request) : onePage(context.client, request);
        await writeOutput(output, streamSpreadsheet(flags.type, rows));
        process.stderr.write(`wrote ${output} (written locally)\n`);
      }
    }),
  );
}
