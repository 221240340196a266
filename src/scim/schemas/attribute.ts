/** Attribute and schema definitions in the shape RFC 7643 §7 publishes them. */

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';

export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

type AttrOptions = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

/** Builds a definition with RFC 7643 §2.2 defaults (readWrite, returned default, not required, caseExact false). */
export function attr(name: string, type: AttributeType, description: string, options: AttrOptions = {}): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

/** The sub-attributes shared by RFC 7643 multi-valued attributes (§2.4). */
export function multiValuedParts(
  kind: string,
  types: readonly string[],
  valueType: AttributeType = 'string',
  extra: readonly AttributeDefinition[] = [],
): AttributeDefinition[] {
  // A reference says what it may point at (RFC 7643 §7); every reference value here is a URL.
  const value = valueType === 'reference' ? { referenceTypes: ['external'] } : {};
  return [
    attr('value', valueType, `The ${kind}'s value.`, value),
    attr('display', 'string', `A human-readable name for the ${kind}, primarily for display.`),
    attr('type', 'string', `A label indicating the ${kind}'s function.`, {
      canonicalValues: types,
    }),
    attr('primary', 'boolean', `Whether this is the primary ${kind}. At most one value may be primary.`),
    ...extra,
  ];
}
