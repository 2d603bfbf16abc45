// The export writers read records in batches; companies that arrive one by one (the CLI's local export, tests)
// are handed over as batches of one, so the writer still pulls each company only when it needs it.
import { type ExportRecord, exportRecordOf, type SearchCompanyDto } from '../contract/index.js';

export async function* recordBatchesOf(companies: AsyncIterable<SearchCompanyDto>): AsyncGenerator<ExportRecord[]> {
  for await (const company of companies) yield [exportRecordOf(company)];
}

/** Records already in hand (a roll-up, a listing read whole), handed over as one batch. */
export async function* batchOf(records: readonly ExportRecord[]): AsyncGenerator<ExportRecord[]> {
  yield [...records];
}
