// Row sources that note what an export stream pulls from them, and consumers that note how the stream ends: what
// the stream tests of the writers (src/spreadsheet) and of the server's first-byte wait (src/server/export) share.
import type { Readable } from 'node:stream';
import type { SearchCompanyDto } from '../../src/contract/index.js';
import { recordBatchesOf, streamCsv, streamXlsx } from '../../src/spreadsheet/index.js';
import { makeTrickyCompany } from './sample-companies.js';

/** A source of `total` rows that counts what it hands out, fails on row `failAt` if given, and notes return(). */
export function watchedSource(total: number, failAt?: number) {
  const state = { pulled: 0, isReturned: false };
  const rows: AsyncIterable<SearchCompanyDto> = {
    [Symbol.asyncIterator]: () => ({
      async next() {
        if (state.pulled === failAt) throw new Error('cursor lost');
        if (state.pulled >= total) return { done: true, value: undefined };
        state.pulled++;
        return { done: false, value: makeTrickyCompany(state.pulled) };
      },
      async return() {
        state.isReturned = true;
        return { done: true, value: undefined };
      },
    }),
  };
  return { rows, state };
}

export interface Outcome {
  bytes: number;
  hasEnded: boolean;
  error?: Error;
}

export function consume(stream: Readable): Promise<Outcome> {
  return new Promise((resolve) => {
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    stream.on('end', () => resolve({ bytes, hasEnded: true }));
    stream.on('error', (error) => resolve({ bytes, hasEnded: false, error }));
  });
}

export function firstChunk(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    stream.once('data', (chunk: Buffer) => {
      stream.pause();
      resolve(chunk);
    });
    stream.once('error', reject);
  });
}

export const EXPORT_FORMATS = [
  ['CSV', (rows: AsyncIterable<SearchCompanyDto>) => streamCsv(recordBatchesOf(rows))],
  ['Excel', (rows: AsyncIterable<SearchCompanyDto>) => streamXlsx(recordBatchesOf(rows))],
] as const;
