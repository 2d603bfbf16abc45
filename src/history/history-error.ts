/** A history file that cannot be used (not lapse's, damaged, another credential's) or a snapshot that is not there. */
export class HistoryError extends Error {
  override name = 'HistoryError';
}
