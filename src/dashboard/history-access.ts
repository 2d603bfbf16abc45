// The local history as the dashboard reads it: opened on first use and kept open (`lapse snapshot` and `lapse ack`
// may write to it meanwhile; SQLite's WAL lets the next read see that), for the Changes view and for the marks of
// acknowledged companies.
import type { CalendarDay, RowAcknowledgement } from '../contract/index.js';
import { type History, HistoryError } from '../history/index.js';

export interface AcknowledgementMarks {
  marks: ReadonlyMap<string, RowAcknowledgement>;
  /** Why no marks could be read (a damaged or foreign history file); null when they were. */
  problem: string | null;
}

export interface HistoryAccess {
  /** The history; a HistoryError when lapse ui has none or cannot use its file. */
  open(): History;
  /** The acknowledgements in force on `day`; none, with the reason, when the history cannot be read. */
  acknowledgementsOn(day: CalendarDay): AcknowledgementMarks;
  close(): void;
}

const NONE: ReadonlyMap<string, RowAcknowledgement> = new Map();

export function createHistoryAccess(openHistory: (() => History) | undefined): HistoryAccess {
  let history: History | undefined;
  const open = () => {
    if (openHistory === undefined) throw new HistoryError('lapse ui was started without a history');
    history ??= openHistory();
    return history;
  };
  return {
    open,
    acknowledgementsOn(day) {
      if (openHistory === undefined) return { marks: NONE, problem: null };
      try {
        const marks = new Map<string, RowAcknowledgement>();
        for (const [id, { until, note, by, at }] of open().activeAcknowledgements(day)) {
          marks.set(id, { until, note, by, at });
        }
        return { marks, problem: null };
      } catch (error) {
        // The listing still shows; the page says why its marks are missing.
        if (error instanceof HistoryError) return { marks: NONE, problem: error.message };
        throw error;
      }
    },
    close: () => history?.close(),
  };
}
