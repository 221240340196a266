import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '../../json/json-value.js';
import { attr, type SchemaDefinition } from '../schemas/attribute.js';
import { enterpriseUserSchema } from '../schemas/enterprise-user.js';
import { groupResourceSchema, userResourceSchema } from '../schemas/registry.js';
import { URN } from '../schemas/urns.js';
import { parseResource, type IgnoredAttribute } from './parse-resource.js';

const ENT = URN.enterpriseUser;
const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';

/** A second extension, so "right name, wrong namespace" can be tested. */
const acmeSchema: SchemaDefinition = {
  id: ACME,
  name: 'AcmeUser',
  description: 'Test-only extension',
  attributes: [
    attr('businessUnit', 'string', 'Business unit.'),
    attr('startedAt', 'dateTime', 'Start.'),
    attr('level', 'integer', 'Level.'),
    attr('score', 'decimal', 'Score.'),
    attr('badge', 'binary', 'Badge photo.'),
    attr('homepage', 'reference', 'Homepage.'),
    attr('costCenter', 'string', 'Also in the enterprise extension.'),
  ],
};
const users = userResourceSchema([enterpriseUserSchema, acmeSchema]);
const plainUsers = userResourceSchema();

const oktaUser = {
  schemas: [URN.user],
  userName: 'test.user@okta.local',
  name: { givenName: 'Test', familyName: 'User' },
  emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
  displayName: 'Test User',
  locale: 'en-US',
  externalId: '00ujl29u0le5T6Aj10h7',
  groups: [],
  password: '1mz050nq',
  active: true,
};

describe('parseResource: what Okta sends (docs/idp-behaviors.md#okta-example-requests)', () => {
  it('create: stores the profile, drops and lists the password, ignores empty groups', () => {
    const { document, ignored, members } = parseResource(plainUsers, oktaUser);
    assert.deepEqual(document, {
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
    });
    assert.deepEqual(ignored, [{ path: 'password', reason: 'password' }]);
    assert.equal(members, undefined);
  });

  it('create with groups filled in: groups listed as readOnly', () => {
    const { document, ignored } = parseResource(plainUsers, { ...oktaUser, groups: [{ value: 'g1', display: 'G' }] });
    assert.equal(document['groups'], undefined);
    assert.deepEqual(ignored, [
      { path: 'groups', reason: 'readOnly' },
      { path: 'password', reason: 'password' },
    ]);
  });

  it('PUT echoing id, meta, groups and emails[].display: accepted, display kept', () => {
    const put = {
      schemas: [URN.user],
      id: '23a35c27-23d3-4c03-b4c5-6443c09e7173',
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work', display: 'test.user@okta.local' }],
      active: true,
      groups: [],
      meta: { resourceType: 'User' },
    };
    const { document, ignored } = parseResource(plainUsers, put);
    assert.deepEqual(document, {
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work', display: 'test.user@okta.local' }],
      active: true,
    });
    assert.deepEqual(ignored, []);
  });
});

describe('parseResource: what Entra ID sends (docs/idp-behaviors.md#entra-example-requests)', () => {
  it('create with client meta and roles: [] — both dropped silently', () => {
    const body = {
      schemas: [URN.user, ENT],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    };
    const { document, ignored } = parseResource(plainUsers, body);
    assert.deepEqual(Object.keys(document), ['externalId', 'userName', 'active', 'emails', 'name']);
    assert.deepEqual(ignored, []);
  });

  it('"Example 2": nulls omitted, typo\'d URN in schemas tolerated, null department/manager add no extension', () => {
    const body = {
      schemas: [URN.user, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      externalId: 'jyoung',
      userName: 'jyoung@testuser.com',
      active: true,
      addresses: null,
      displayName: 'Joy Young',
      emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
      meta: { resourceType: 'User' },
      name: { familyName: 'Young', givenName: 'Joy' },
      phoneNumbers: null,
      preferredLanguage: null,
      title: null,
      department: null,
      manager: null,
    };
    const { document, ignored } = parseResource(plainUsers, body);
    assert.deepEqual(document, {
      externalId: 'jyoung',
      userName: 'jyoung@testuser.com',
      active: true,
      displayName: 'Joy Young',
      emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
      name: { familyName: 'Young', givenName: 'Joy' },
    });
    assert.deepEqual(ignored, []);
  });

  it('Example 2: top-level department and manager set to null store nothing and note nothing', () => {
    const parsed = parseResource(plainUsers, { userName: 'a', department: null, manager: null });
    assert.deepEqual(parsed, { document: { userName: 'a' }, ignored: [] });
  });

  it('a top-level department with a value is not the enterprise one (RFC 7644 §3.10): ignored, the qualified name suggested', () => {
    // The manager-shapes normaliser moves a top-level manager before parsing; on its own the parser guesses neither.
    const parsed = parseResource(plainUsers, { userName: 'a', department: 'Sales', manager: { value: 'm1' }, [ENT]: { department: 'R&D' } });
    assert.deepEqual(parsed.document, { userName: 'a', [ENT]: { department: 'R&D' } });
    assert.deepEqual(parsed.ignored, [
      { path: 'department', reason: 'notCoreAttribute', suggestion: `${ENT}:department` },
      { path: 'manager', reason: 'notCoreAttribute', suggestion: `${ENT}:manager` },
    ]);
  });

  it('group create with an undeclared Microsoft schema in schemas', () => {
    const body = {
      schemas: [URN.group, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    };
    const parsed = parseResource(groupResourceSchema, body);
    assert.deepEqual(parsed, { document: { externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'displayName' }, ignored: [] });
  });
});

describe('parseResource: names', () => {
  it('matches names case-insensitively at every level and writes them canonically (Postman `Primary`)', () => {
    const { document } = parseResource(plainUsers, {
      UserName: 'u',
      NAME: { GivenName: 'G' },
      Emails: [{ Primary: true, Value: 'u@example.com', TYPE: 'work' }],
      [ENT.toUpperCase()]: { Department: 'D' },
    });
    assert.deepEqual(document, {
      userName: 'u',
      name: { givenName: 'G' },
      emails: [{ primary: true, value: 'u@example.com', type: 'work' }],
      [ENT]: { department: 'D' },
    });
  });

  it('accepts URN-qualified extension and core keys beside the extension object', () => {
    const { document } = parseResource(plainUsers, {
      [`${URN.user}:userName`]: 'u',
      [`${ENT}:department`]: 'D',
      [ENT]: { employeeNumber: '7' },
    });
    assert.deepEqual(document, { userName: 'u', [ENT]: { department: 'D', employeeNumber: '7' } });
  });

  it('stores strings exactly as sent', () => {
    const { document } = parseResource(plainUsers, { userName: ' Mixed.Case@X ', title: '' });
    assert.deepEqual(document, { userName: ' Mixed.Case@X ', title: '' });
  });
});

describe('parseResource: ignored attributes and suggestions', () => {
  const ignoredFor = (body: Record<string, JsonValue>): IgnoredAttribute[] => parseResource(users, { userName: 'u', ...body }).ignored;

  it('misspelled `adreses` is dropped with suggestion `addresses` (Postman PUT)', () => {
    const parsed = parseResource(users, { userName: 'u', adreses: [{ country: 'DE' }] });
    assert.deepEqual(parsed.document, { userName: 'u' });
    assert.deepEqual(parsed.ignored, [{ path: 'adreses', reason: 'unknownAttribute', suggestion: 'addresses' }]);
  });

  it('businessUnit under the enterprise URN names the extension that has it', () => {
    assert.deepEqual(ignoredFor({ [ENT]: { businessUnit: 'BU' } }), [{ path: `${ENT}:businessUnit`, reason: 'unknownAttribute', suggestion: `${ACME}:businessUnit` }]);
  });

  it('a core attribute inside an extension object names the core attribute', () => {
    assert.deepEqual(ignoredFor({ [ENT]: { displayName: 'D' } }), [{ path: `${ENT}:displayName`, reason: 'unknownAttribute', suggestion: 'displayName' }]);
  });

  it('a sub-attribute sent at the top level points at its parent, in any case', () => {
    assert.deepEqual(ignoredFor({ givenname: 'G' }), [{ path: 'givenname', reason: 'unknownAttribute', suggestion: 'name.givenName' }]);
  });

  it('a misspelled sub-attribute suggests its sibling', () => {
    assert.deepEqual(ignoredFor({ name: { givnName: 'G', familyName: 'F' } }), [{ path: 'name.givnName', reason: 'unknownAttribute', suggestion: 'name.givenName' }]);
  });

  it('a bare name in two extensions is not guessed: both are suggested', () => {
    assert.deepEqual(ignoredFor({ costCenter: 'C' }), [{ path: 'costCenter', reason: 'notCoreAttribute', suggestion: `${ENT}:costCenter or ${ACME}:costCenter` }]);
  });

  it('extension attributes at the top level, in any case, are kept out of the extensions and each is named', () => {
    const parsed = parseResource(users, {
      userName: 'u',
      Department: 'Finance',
      EmployeeNumber: '7',
      division: 'D',
      organization: 'O',
      businessUnit: 'BU',
      [ENT]: { department: 'Sales' },
    });
    assert.deepEqual(parsed.document, { userName: 'u', [ENT]: { department: 'Sales' } });
    assert.deepEqual(parsed.ignored, [
      { path: 'Department', reason: 'notCoreAttribute', suggestion: `${ENT}:department` },
      { path: 'EmployeeNumber', reason: 'notCoreAttribute', suggestion: `${ENT}:employeeNumber` },
      { path: 'division', reason: 'notCoreAttribute', suggestion: `${ENT}:division` },
      { path: 'organization', reason: 'notCoreAttribute', suggestion: `${ENT}:organization` },
      { path: 'businessUnit', reason: 'notCoreAttribute', suggestion: `${ACME}:businessUnit` },
    ]);
  });

  it('an extension attribute qualified with the core URN is not the extension one either', () => {
    const key = `${URN.user}:department`;
    assert.deepEqual(ignoredFor({ [key]: 'D' }), [{ path: key, reason: 'notCoreAttribute', suggestion: `${ENT}:department` }]);
  });

  it('a core attribute in another case is the same attribute (RFC 7643 §2.1), stored without a note', () => {
    const parsed = parseResource(users, { userName: 'u', DisplayName: 'D', TITLE: 'T' });
    assert.deepEqual(parsed, { document: { userName: 'u', displayName: 'D', title: 'T' }, ignored: [] });
  });

  it('an unknown name far from any known one has no suggestion', () => {
    assert.deepEqual(ignoredFor({ favouriteColour: 'teal' }), [{ path: 'favouriteColour', reason: 'unknownAttribute' }]);
  });

  it('an object under an unknown URN is an unknown schema, with the nearest known URN', () => {
    const typo = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User';
    const microsoft = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
    assert.deepEqual(ignoredFor({ [typo]: { department: 'D' }, [microsoft]: { x: 1 } }), [
      { path: typo, reason: 'unknownSchema', suggestion: ENT },
      { path: microsoft, reason: 'unknownSchema' },
    ]);
  });

  it("another product's extension URN names the extension whose attributes its block uses", () => {
    const other = 'urn:ietf:params:scim:schemas:extension:cybsafe:2.0:User';
    assert.deepEqual(ignoredFor({ [other]: { BusinessUnit: 'BU', level: 3, favouriteColour: 'teal', costCenter: null } }), [
      { path: other, reason: 'unknownSchema', suggestion: ACME, matches: ['businessUnit', 'level'] },
    ]);
  });

  it('a block matching both extensions equally names the non-enterprise one; enterprise names win when more match', () => {
    const other = 'urn:example:other:2.0:User';
    assert.deepEqual(ignoredFor({ [other]: { costCenter: 'C' } }), [{ path: other, reason: 'unknownSchema', suggestion: ACME, matches: ['costCenter'] }]);
    assert.deepEqual(ignoredFor({ [other]: { department: 'D', division: 'V', businessUnit: 'B' } }), [
      { path: other, reason: 'unknownSchema', suggestion: ENT, matches: ['department', 'division'] },
    ]);
  });

  it('an attribute qualified with an unknown URN suggests the known qualified name', () => {
    const key = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User:department';
    assert.deepEqual(ignoredFor({ [key]: 'D' }), [{ path: key, reason: 'unknownAttribute', suggestion: `${ENT}:department` }]);
  });

  it('a readOnly sub-attribute (manager.displayName) is dropped and listed', () => {
    const parsed = parseResource(users, { userName: 'u', [ENT]: { manager: { value: 'm', displayName: 'Boss' } } });
    assert.deepEqual(parsed.document[ENT], { manager: { value: 'm' } });
    assert.deepEqual(parsed.ignored, [{ path: `${ENT}:manager.displayName`, reason: 'readOnly' }]);
  });

  it('null elements of a list are dropped and listed as nullValue', () => {
    const parsed = parseResource(users, { userName: 'u', emails: [null, { value: 'a@x' }] });
    assert.deepEqual(parsed.document['emails'], [{ value: 'a@x' }]);
    assert.deepEqual(parsed.ignored, [{ path: 'emails', reason: 'nullValue' }]);
  });
});
