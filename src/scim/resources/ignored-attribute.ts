/** Why an attribute in a request body was not stored (recorded in the provisioning log, SPEC §4). */
export type IgnoredReason = 'unknownAttribute' | 'readOnly' | 'password' | 'unknownSchema' | 'nullValue';

/** One attribute a client sent that Roster did not store, with the name it probably meant. */
export interface IgnoredAttribute {
  /** Canonical spelling where the attribute is known, the client's spelling where it is not. */
  readonly path: string;
  readonly reason: IgnoredReason;
  /** The attribute (or schema URN) the client most likely meant, when one is close enough. */
  readonly suggestion?: string;
}

/** Builds an entry without writing `suggestion: undefined` (keeps deepEqual in tests and logs tidy). */
export function ignoredEntry(path: string, reason: IgnoredReason, suggestion?: string): IgnoredAttribute {
  return suggestion === undefined ? { path, reason } : { path, reason, suggestion };
}
