import { attr, type SchemaDefinition } from './attribute.js';
import { URN } from './urns.js';

/** RFC 7643 §4.3: the enterprise User extension. */
export const enterpriseUserSchema: SchemaDefinition = {
  id: URN.enterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'string', 'Numeric or alphanumeric identifier assigned to a person by the organization.'),
    attr('costCenter', 'string', 'Identifies the name of a cost center.'),
    attr('organization', 'string', 'Identifies the name of an organization.'),
    attr('division', 'string', 'Identifies the name of a division.'),
    attr('department', 'string', 'Identifies the name of a department.'),
    attr('manager', 'complex', "The User's manager. value may be the manager's id, userName, work email, externalId or employeeNumber.", {
      subAttributes: [
        attr('value', 'string', 'The id of the SCIM resource representing the manager.'),
        attr('$ref', 'reference', 'The URI of the SCIM resource representing the manager.', { referenceTypes: ['User'] }),
        attr('displayName', 'string', "The displayName of the User's manager.", { mutability: 'readOnly' }),
      ],
    }),
  ],
};
