// The one error the admin services throw for bad input or a missing company/credential: its message is meant
// for the operator as it stands (the CLI prints it on one line and exits 1).
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
