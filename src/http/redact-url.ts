/**
 * A request URL as it may be logged: a Roster bearer token anywhere in it, and the value of an
 * `access_token` query parameter (RFC 6750 §2.3 lets clients send the token there; Roster does not
 * accept it, but a client that tries must not have its token written to the logs).
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1[redacted]').replace(/rst_[0-9a-f]{16}[A-Za-z0-9_-]{43}/g, 'rst_[redacted]');
}
