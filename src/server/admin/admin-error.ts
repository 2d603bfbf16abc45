// The one error the admin services throw for bad input, and its kind for a company or credential that does not
// exist: the message is meant for the operator as it stands (the CLI prints it on one line; exit codes in
// src/cli/exit-codes.ts).
/** The most problems an error's message names; the rest are counted ("and 12 more"). */
export const MAX_DETAILS_SHOWN = 20;

/** The first MAX_DETAILS_SHOWN details, and a count of the others when there are more. */
export function cappedDetails(details: readonly string[]): string[] {
  if (details.length <= MAX_DETAILS_SHOWN) return [...details];
  return [...details.slice(0, MAX_DETAILS_SHOWN), `and ${details.length - MAX_DETAILS_SHOWN} more`];
}

export class AdminError extends Error {
  constructor(
    readonly headline: string,
    /** One line per problem, for errors that gather several (a CSV import lists its bad lines). */
    readonly details: readonly string[] = [],
  ) {
    // One line, so a command can print it as it stands; a file with thousands of bad lines names the first few.
    super(details.length === 0 ? headline : `${headline}: ${cappedDetails(details).join('; ')}`);
    this.name = 'AdminError';
  }
}

/** The company or credential named does not exist. */
export class AdminNotFoundError extends AdminError {
  override name = 'AdminNotFoundError';
}
