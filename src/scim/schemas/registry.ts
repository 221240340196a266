import type { AttrPath } from '../filter/ast.js';
import { attr, type AttributeDefinition, type SchemaDefinition } from './attribute.js';
import { coreUserSchema } from './core-user.js';
import { enterpriseUserSchema } from './enterprise-user.js';
import { groupSchema } from './group.js';
import { URN } from './urns.js';

export type ResourceTypeName = 'User' | 'Group';

/** Attributes every resource has (RFC 7643 §3.1); they sit outside the schemas' attribute lists. */
export const commonAttributes: readonly AttributeDefinition[] = [
  attr('id', 'string', 'Unique identifier of the resource, issued by Roster.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attr('externalId', 'string', 'The identifier the provisioning client uses for the resource. Not unique.', {
    caseExact: true,
  }),
  attr('meta', 'complex', 'Resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      attr('resourceType', 'string', 'The name of the resource type.', { mutability: 'readOnly', caseExact: true }),
      attr('created', 'dateTime', 'When the resource was added.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'When the resource was last changed.', { mutability: 'readOnly' }),
      attr('location', 'reference', 'The URI of the resource.', { mutability: 'readOnly', caseExact: true }),
      attr('version', 'string', 'The version (ETag) of the resource.', { mutability: 'readOnly', caseExact: true }),
    ],
  }),
];

/** A resource type with its core schema and extensions (RFC 7643 §6). */
export interface ResourceSchema {
  readonly name: ResourceTypeName;
  readonly endpoint: '/Users' | '/Groups';
  readonly core: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];
}

/** Where a path lands: which schema (undefined for common attributes), attribute and sub-attribute. */
export interface ResolvedPath {
  /** The extension schema the attribute belongs to, or undefined for core and common attributes. */
  readonly extension?: SchemaDefinition;
  readonly attribute: AttributeDefinition;
  readonly subAttribute?: AttributeDefinition;
}

export function userResourceSchema(extensions: readonly SchemaDefinition[] = [enterpriseUserSchema]): ResourceSchema {
  return { name: 'User', endpoint: '/Users', core: coreUserSchema, extensions };
}

export const groupResourceSchema: ResourceSchema = {
  name: 'Group',
  endpoint: '/Groups',
  core: groupSchema,
  extensions: [],
};

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Finds a (sub-)attribute definition by name, case-insensitively (RFC 7643 §2.1). */
export function findAttribute(list: readonly AttributeDefinition[] | undefined, name: string): AttributeDefinition | undefined {
  return list?.find((a) => sameName(a.name, name));
}

export function findExtension(resource: ResourceSchema, urn: string): SchemaDefinition | undefined {
  return resource.extensions.find((s) => sameName(s.id, urn));
}

/**
 * Resolves a client-written path against a resource's schemas. Unqualified names are looked up in
 * the core schema first, then in each extension — Entra sends `manager` and `department` bare
 * (docs/idp-behaviors.md#entra-example-requests, Examples 2 and 5).
 */
export function resolvePath(resource: ResourceSchema, path: AttrPath): ResolvedPath | undefined {
  const located = locateAttribute(resource, path.schema, path.attribute);
  if (!located) return undefined;
  if (path.subAttribute === undefined) return located;
  const sub = findAttribute(located.attribute.subAttributes, path.subAttribute);
  if (!sub) return undefined;
  return { ...located, subAttribute: sub };
}

function locateAttribute(resource: ResourceSchema, schemaUrn: string | undefined, name: string): ResolvedPath | undefined {
  if (schemaUrn !== undefined) {
    if (sameName(schemaUrn, resource.core.id)) {
      const attribute = findAttribute(resource.core.attributes, name) ?? findAttribute(commonAttributes, name);
      return attribute ? { attribute } : undefined;
    }
    const extension = findExtension(resource, schemaUrn);
    const attribute = extension && findAttribute(extension.attributes, name);
    return extension && attribute ? { extension, attribute } : undefined;
  }
  const attribute = findAttribute(commonAttributes, name) ?? findAttribute(resource.core.attributes, name);
  if (attribute) return { attribute };
  for (const extension of resource.extensions) {
    const found = findAttribute(extension.attributes, name);
    if (found) return { extension, attribute: found };
  }
  return undefined;
}

/** The canonical spelling of a resolved path, e.g. `name.givenName` or `urn:…:User:manager.value`. */
export function canonicalPath(resolved: ResolvedPath): string {
  const base = resolved.extension ? `${resolved.extension.id}:${resolved.attribute.name}` : resolved.attribute.name;
  return resolved.subAttribute ? `${base}.${resolved.subAttribute.name}` : base;
}

export { URN };
