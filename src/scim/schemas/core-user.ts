import { attr, multiValuedParts, type SchemaDefinition } from './attribute.js';
import { URN } from './urns.js';

/** RFC 7643 §4.1 and §8.7.1: the core User schema. */
export const coreUserSchema: SchemaDefinition = {
  id: URN.user,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr(
      'userName',
      'string',
      'Unique identifier for the User, typically used by the user to directly authenticate. Unique within the tenant, compared case-insensitively.',
      {
        required: true,
        uniqueness: 'server',
      },
    ),
    attr('name', 'complex', "The components of the user's real name.", {
      subAttributes: [
        attr('formatted', 'string', 'The full name, including all middle names, titles, and suffixes as appropriate, formatted for display.'),
        attr('familyName', 'string', 'The family name of the User, or last name.'),
        attr('givenName', 'string', 'The given name of the User, or first name.'),
        attr('middleName', 'string', 'The middle name(s) of the User.'),
        attr('honorificPrefix', 'string', 'The honorific prefix(es) of the User, or title.'),
        attr('honorificSuffix', 'string', 'The honorific suffix(es) of the User, or suffix.'),
      ],
    }),
    attr('displayName', 'string', 'The name of the User, suitable for display to end-users.'),
    attr('nickName', 'string', 'The casual way to address the user in real life.'),
    attr('profileUrl', 'reference', "A fully qualified URL pointing to a page representing the User's online profile.", {
      referenceTypes: ['external'],
    }),
    attr('title', 'string', 'The user\'s title, such as "Vice President".'),
    attr('userType', 'string', 'Used to identify the relationship between the organization and the user.'),
    attr('preferredLanguage', 'string', "Indicates the User's preferred written or spoken language (RFC 7231 language tag)."),
    attr(
      'locale',
      'string',
      "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations.",
    ),
    attr('timezone', 'string', 'The User\'s time zone in the IANA Time Zone database format, e.g. "Europe/London".'),
    attr('active', 'boolean', "A Boolean value indicating the User's administrative status. false deactivates the person and keeps their data."),
    attr('password', 'string', 'Accepted and never stored: Roster does not keep passwords. A password sent by a client is dropped and the request log says so.', {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    attr('emails', 'complex', 'Email addresses for the user.', {
      multiValued: true,
      subAttributes: multiValuedParts('email address', ['work', 'home', 'other']),
    }),
    attr('phoneNumbers', 'complex', 'Phone numbers for the User, stored as sent.', {
      multiValued: true,
      subAttributes: multiValuedParts('phone number', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    }),
    attr('ims', 'complex', 'Instant messaging addresses for the User.', {
      multiValued: true,
      subAttributes: multiValuedParts('instant messaging address', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    }),
    attr('photos', 'complex', 'URLs of images of the user.', {
      multiValued: true,
      subAttributes: multiValuedParts('photo', ['photo', 'thumbnail'], 'reference'),
    }),
    attr('addresses', 'complex', 'A physical mailing address for this User.', {
      multiValued: true,
      subAttributes: [
        attr('formatted', 'string', 'The full mailing address, formatted for display.'),
        attr('streetAddress', 'string', 'The full street address component.'),
        attr('locality', 'string', 'The city or locality component.'),
        attr('region', 'string', 'The state or region component.'),
        attr('postalCode', 'string', 'The zip code or postal code component.'),
        attr('country', 'string', 'The country name component (ISO 3166-1 alpha-2 code).'),
        attr('type', 'string', "A label indicating the address's function.", { canonicalValues: ['work', 'home', 'other'] }),
        // Not in RFC 7643 §8.7.1, but Entra ID sends it on every address (docs/idp-behaviors.md#entra-quirks,
        // E13).
        attr('primary', 'boolean', 'Whether this is the primary address.'),
      ],
    }),
    attr('groups', 'complex', 'The groups the user belongs to, pushed through /Groups. Read-only: change membership through /Groups.', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        attr('value', 'string', 'The id of the group.', { mutability: 'readOnly' }),
        attr('$ref', 'reference', 'The URI of the group.', { mutability: 'readOnly', referenceTypes: ['Group'] }),
        attr('display', 'string', "The group's displayName.", { mutability: 'readOnly' }),
        attr('type', 'string', 'How the membership was derived.', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
    }),
    attr('entitlements', 'complex', 'A list of entitlements for the User.', {
      multiValued: true,
      subAttributes: multiValuedParts('entitlement', []),
    }),
    attr('roles', 'complex', 'A list of roles for the User.', {
      multiValued: true,
      subAttributes: multiValuedParts('role', []),
    }),
    attr('x509Certificates', 'complex', 'A list of certificates issued to the User.', {
      multiValued: true,
      subAttributes: multiValuedParts('certificate', [], 'binary'),
    }),
  ],
};
