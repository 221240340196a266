/**
 * Typed syntax tree of a SCIM filter (RFC 7644 §3.4.2.2) and of PATCH paths (§3.5.2).
 * Names keep the spelling the client used; resolving them against a schema is the caller's job.
 */

/** Comparison operators of RFC 7644 §3.4.2.2, table 3. */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** `[schemaUrn ":"] attribute ["." subAttribute]` as written by the client. */
export interface AttrPath {
  /** Schema URN when the client qualified the name, e.g. the enterprise extension URN. */
  readonly schema?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
}

/** A comparison value: JSON literal, or a bare word accepted leniently (see `FilterParseResult.leniencies`). */
export type FilterValue = string | number | boolean | null;

export type Filter =
  | { readonly kind: 'compare'; readonly path: AttrPath; readonly op: CompareOp; readonly value: FilterValue }
  | { readonly kind: 'present'; readonly path: AttrPath }
  | { readonly kind: 'and'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'or'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'not'; readonly filter: Filter }
  /**
   * `attr[filter]`: some element of the multi-valued `attr` satisfies `filter`, whose paths are
   * relative to the element (`emails[type eq "work" and value co "@x"]` — both on the same email).
   */
  | { readonly kind: 'valuePath'; readonly path: AttrPath; readonly filter: Filter };

/**
 * A PATCH target (RFC 7644 §3.5.2): `attrPath` or `valuePath [ "." subAttr ]`.
 * `emails[type eq "work"].value` → `{ path: {attribute:'emails'}, valueFilter, subAttribute:'value' }`.
 */
export interface PatchPath {
  readonly path: AttrPath;
  readonly valueFilter?: Filter;
  /** Sub-attribute after a value filter (`].value`). */
  readonly subAttribute?: string;
}
