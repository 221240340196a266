/**
 * The query language storage understands: conditions over a resource's fields, already resolved
 * against the schema (canonical names, types, case rules). The scim layer builds these from a
 * SCIM filter; storage compiles them to parameterised SQL over an allow-list of fields.
 */

export type ValueType = 'string' | 'boolean' | 'integer' | 'decimal' | 'dateTime' | 'reference' | 'binary' | 'complex';
export type ComparisonOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A field of a resource: its path in the stored document (or a well-known column), type and case rule. */
export interface Field {
  /** e.g. ['userName'], ['name','givenName'], ['urn:…:enterprise:2.0:User','department'], ['meta','created'], ['id']. */
  readonly path: readonly string[];
  readonly type: ValueType;
  readonly caseExact: boolean;
}

export type Condition =
  | { readonly kind: 'compare'; readonly field: Field; readonly op: ComparisonOperator; readonly value: string | number | boolean | null }
  | { readonly kind: 'present'; readonly field: Field }
  | { readonly kind: 'and'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly condition: Condition }
  /** Some element of the multi-valued attribute at `collection` satisfies `condition` (fields relative to the element). */
  | { readonly kind: 'any'; readonly collection: readonly string[]; readonly condition: Condition }
  | { readonly kind: 'constant'; readonly value: boolean };

export interface SortOrder {
  readonly field: Field;
  readonly descending: boolean;
}

/** Where a cursor page starts: after the row with this sort value and id. */
export interface CursorPosition {
  readonly sortValue: string | number | null;
  readonly id: string;
}

export type Page =
  | { readonly kind: 'index'; readonly offset: number; readonly limit: number }
  | { readonly kind: 'cursor'; readonly after?: CursorPosition; readonly limit: number };

export interface ListQuery {
  readonly where?: Condition;
  /**
   * Free text the resource's search text must contain, case-insensitively (people only: README.md#console
   * People overview), answered from a text index; under three characters, a prefix search.
   */
  readonly search?: string;
  readonly sort?: SortOrder;
  readonly page: Page;
  /** Whether to count all matches (skipped when a cursor already carries the total). Default true. */
  readonly count?: boolean;
  /**
   * Count at most this many matches (the console's lists): a count reads every match, which in a
   * tenant of 1,000,000 is a second or more; past the cap the total is a lower bound.
   */
  readonly countCap?: number;
}

export interface ListResult<T> {
  readonly rows: readonly T[];
  /** Undefined when the query asked not to count. */
  readonly total?: number;
  /** False when `total` stopped at the query's countCap: there are at least that many. */
  readonly totalExact?: boolean;
  /** Set for cursor pages when more rows follow. */
  readonly next?: CursorPosition;
}

/** A condition storage cannot compile (an attribute or form outside the allow-list). */
export class UnsupportedConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedConditionError';
  }
}

/**
 * A cursor position that cannot come from this query (a client can decode and edit a cursor). Thrown
 * by the SQL implementation, declared here so that callers above storage can tell it apart.
 */
export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not valid for this query; start again with an empty cursor');
    this.name = 'InvalidCursorError';
  }
}
