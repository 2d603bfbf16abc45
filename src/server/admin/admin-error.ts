// The one error the admin services throw for bad input, and its kind for a company or credential that does not
// exist: the message is meant for the operator as it stands (the CLI prints it on one line; exit codes in
// src/cli/exit-codes.ts).
export class AdminError extends Error {
  constructor(
    message: string,
    /** One line per problem, for errors that gather several (a CSV import lists its bad lines). */
    readonly details: readonly string[] = [],
  ) {
    // One line, so a command can print it as it stands.
    super(details.length === 0 ? message : `${message}: ${details.join('; ')}`);
    this.name = 'AdminError';
  }
}

/** The company or credential named does not exist. */
export class AdminNotFoundError extends AdminError {
  override name = 'AdminNotFoundError';
}
