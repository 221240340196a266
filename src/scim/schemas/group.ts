import { attr, type SchemaDefinition } from './attribute.js';
import { URN } from './urns.js';

/** RFC 7643 §4.2 and §8.7.1: the core Group schema. */
export const groupSchema: SchemaDefinition = {
  id: URN.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', 'string', 'A human-readable name for the Group. Unique within the tenant, compared case-insensitively.', {
      required: true,
      uniqueness: 'server',
    }),
    attr('members', 'complex', 'A list of members of the Group.', {
      multiValued: true,
      subAttributes: [
        attr('value', 'string', 'Identifier of the member of this Group.', { mutability: 'immutable', caseExact: true }),
        attr('$ref', 'reference', 'The URI corresponding to a SCIM resource that is a member of this Group.', {
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        attr('type', 'string', 'A label indicating the type of resource.', {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
        }),
        // Kept as sent when the member is added (Microsoft's collection sends one), else the member's
        // userName or displayName; groups.repo.ts reads and filters it the same way.
        attr('display', 'string', "A human-readable name of the member: the one the client gave when adding it, else the member's userName or the group's displayName.", {
          mutability: 'immutable',
        }),
      ],
    }),
  ],
};
