/** SCIM error detail types of RFC 7644 §3.12, table 9. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  /** RFC 9865 §2.2. */
  | 'invalidCursor'
  | 'expiredCursor'
  | 'invalidCount';

/**
 * The scim layer's one error type: a protocol violation by the client, rendered by the http layer
 * as an RFC 7644 §3.12 error body. `detail` is shown to the client and must never carry a secret.
 */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  static badRequest(scimType: ScimType, detail: string): ScimError {
    return new ScimError(400, scimType, detail);
  }
}
