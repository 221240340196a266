/** Why an attribute in a request body was not stored (recorded in the provisioning log, README.md#the-directory-model). */
export type IgnoredReason = 'unknownAttribute' | 'notCoreAttribute' | 'readOnly' | 'password' | 'unknownSchema' | 'nullValue';

/** One attribute a client sent that Roster did not store, with the name it probably meant. */
export interface IgnoredAttribute {
  /** Canonical spelling where the attribute is known, the client's spelling where it is not. */
  readonly path: string;
  readonly reason: IgnoredReason;
  /** The attribute (or schema URN) the client most likely meant, when one is close enough. */
  readonly suggestion?: string;
  /**
   * For an unknown schema whose block holds names of a known extension's attributes: those names
   * (canonical spelling), which is why `suggestion` names that extension.
   */
  readonly matches?: readonly string[];
}

/** Builds an entry without writing `suggestion: undefined` (keeps deepEqual in tests and logs tidy). */
export function ignoredEntry(path: string, reason: IgnoredReason, suggestion?: string, matches?: readonly string[]): IgnoredAttribute {
  const entry: IgnoredAttribute = suggestion === undefined ? { path, reason } : { path, reason, suggestion };
  return matches === undefined || matches.length === 0 ? entry : { ...entry, matches };
}

/** The entry's meaning in one sentence, for logs and error details an IT admin reads. */
export function describeIgnored(entry: IgnoredAttribute, resourceName = 'User'): string {
  const { path, reason, suggestion, matches } = entry;
  switch (reason) {
    case 'notCoreAttribute':
      return `"${path}" is not a core ${resourceName} attribute${suggestion ? `; did you mean "${suggestion}"?` : '.'}`;
    case 'unknownSchema':
      if (suggestion && matches && matches.length > 0) {
        return `unknown schema "${path}"; its attributes ${matches.map((m) => `"${m}"`).join(', ')} are attributes of "${suggestion}"; did you mean that URN?`;
      }
      return `unknown schema "${path}"${suggestion ? `; did you mean "${suggestion}"?` : '.'}`;
    default:
      return `"${path}" was ignored (${reason})${suggestion ? `; did you mean "${suggestion}"?` : '.'}`;
  }
}
