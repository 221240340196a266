/**
 * A failure of one of Roster's JSON APIs (admin, host) with its status, a stable code, a sentence
 * safe to show the caller and any headers it needs (Retry-After, WWW-Authenticate). Each API
 * subclasses it so its error handler renders its own errors in its own body shape.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
