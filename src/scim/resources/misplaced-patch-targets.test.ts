import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '../../json/json-value.js';
import { parsePatchRequest } from '../patch/patch-request.js';
import { enterpriseUserSchema } from '../schemas/enterprise-user.js';
import { userResourceSchema } from '../schemas/registry.js';
import { rosterUserSchema } from '../schemas/roster-user.js';
import { URN } from '../schemas/urns.js';
import { setAsideMisplacedTargets } from './misplaced-patch-targets.js';

const ENT = URN.enterpriseUser;
const TENANT = 'urn:example:acme:scim:2.0:User';
const schema = userResourceSchema([enterpriseUserSchema, rosterUserSchema(TENANT)]);
const setAside = (...Operations: JsonValue[]) => setAsideMisplacedTargets(schema, parsePatchRequest({ schemas: [URN.patchOp], Operations }));

describe('setAsideMisplacedTargets: bare names of extension attributes in a PATCH', () => {
  it('an operation whose path is a bare extension name (any case, any op) is set aside and named', () => {
    const { operations, ignored } = setAside(
      { op: 'replace', path: 'Department', value: 'Finance' },
      { op: 'add', path: 'employeeNumber', value: '7' },
      { op: 'remove', path: 'costCenter' },
      { op: 'replace', path: 'office', value: 'London' },
      { op: 'replace', path: 'displayName', value: 'D' },
    );
    assert.deepEqual(
      operations.map((o) => o.rawPath),
      ['displayName'],
    );
    assert.deepEqual(ignored, [
      { path: 'Department', reason: 'notCoreAttribute', suggestion: `${ENT}:department` },
      { path: 'employeeNumber', reason: 'notCoreAttribute', suggestion: `${ENT}:employeeNumber` },
      { path: 'costCenter', reason: 'notCoreAttribute', suggestion: `${ENT}:costCenter` },
      { path: 'office', reason: 'notCoreAttribute', suggestion: `${TENANT}:office` },
    ]);
  });

  it('bare extension keys of a no-path value are removed; the rest of the value stays, an emptied operation goes', () => {
    const { operations, ignored } = setAside(
      { op: 'replace', value: { displayName: 'D', Department: 'Finance', [ENT]: { division: 'V' } } },
      { op: 'add', value: { division: 'V' } },
    );
    assert.deepEqual(
      operations.map((o) => o.value),
      [{ displayName: 'D', [ENT]: { division: 'V' } }],
    );
    assert.deepEqual(ignored, [
      { path: 'Department', reason: 'notCoreAttribute', suggestion: `${ENT}:department` },
      { path: 'division', reason: 'notCoreAttribute', suggestion: `${ENT}:division` },
    ]);
  });

  it('qualified paths, the whole-extension path, core names in any case and unknown names pass through untouched', () => {
    const input: JsonValue[] = [
      { op: 'replace', path: `${ENT}:department`, value: 'D' },
      { op: 'replace', path: ENT, value: { department: 'D' } },
      { op: 'replace', path: 'DisplayName', value: 'N' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'a@x' },
      { op: 'replace', path: 'favouriteColour', value: 'teal' },
      { op: 'replace', value: { externalId: 'e', 'name.givenName': 'G' } },
    ];
    const { operations, ignored } = setAside(...input);
    assert.equal(operations.length, input.length);
    assert.deepEqual(ignored, []);
  });
});
