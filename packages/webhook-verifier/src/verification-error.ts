/** Why a request or its event was refused; `code` is stable for programs, `message` for people. */
export class WebhookVerificationError extends Error {
  constructor(
    readonly code: 'missing_signature' | 'malformed_signature' | 'timestamp_out_of_tolerance' | 'signature_mismatch' | 'invalid_event' | 'unknown_event_type',
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}
