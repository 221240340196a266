import { attr, type SchemaDefinition } from './attribute.js';
import { URN } from './urns.js';

/**
 * Roster's own User extension: the product attributes of the seed guides' table. A tenant may
 * publish it under its own URN (the schema id is replaced, the attributes stay).
 */
export function rosterUserSchema(urn: string = URN.rosterUser): SchemaDefinition {
  return {
    id: urn,
    name: 'RosterUser',
    description: 'Attributes the host product keeps about a person beyond the enterprise extension',
    attributes: [
      attr('businessUnit', 'string', 'The business unit the person belongs to.'),
      attr('employeeType', 'string', 'The kind of employment, e.g. Employee, Contractor, Intern.'),
      attr('employeeLevel', 'string', "The person's level or band."),
      attr('grade', 'string', "The person's grade."),
      attr('office', 'string', 'The office the person works from.'),
      attr('hireDate', 'string', 'The day the person was hired, as yyyy-MM-dd (a real date).'),
      attr('externalId', 'string', 'An identifier of the person in the source HR system, as the seed attribute table places it in this extension.', {
        caseExact: true,
      }),
    ],
  };
}
