/** What went wrong, in the domain's words; the http layer maps each kind to a status once. */
export type DomainErrorKind =
  | 'notFound'
  | 'uniqueness'
  | 'preconditionFailed'
  | 'invalidValue'
  | 'provisioningDisabled'
  /** The tenant is not in the mode the action needs (go live or discard a preview of a live tenant). */
  | 'tenantMode'
  | 'unavailable';

/** The provisioning layer's one error type. `message` is safe to show to the client. */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string): DomainError => new DomainError('notFound', `${what} ${id} not found`);
