// What Okta and Entra really send (docs/idp-behaviors.md#entra-example-requests,
// docs/idp-behaviors.md#entra-compliance-flag, docs/idp-behaviors.md#okta-example-requests), straight
// into the strict engine: RFC-shaped bodies apply; quirky ones are refused here and accepted after
// scim/quirks (see there).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { ScimError } from '../errors.js';
import { groupResourceSchema, userResourceSchema } from '../schemas/registry.js';
import { applyPatch } from './apply-user-patch.js';
import { parsePatchRequest } from './patch-request.js';
import { planGroupPatch } from './plan-group-patch.js';

const schema = userResourceSchema();
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const fixture = (name: string): JsonValue => JSON.parse(readFileSync(new URL(`../quirks/fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonValue;
const replay = (doc: JsonObject, name: string) => applyPatch(schema, doc, parsePatchRequest(fixture(name)));
const isScim =
  (scimType: string) =>
  (error: unknown): boolean =>
    error instanceof ScimError && error.scimType === scimType;

/** The user of Entra's "Create User" example (docs/idp-behaviors.md#entra-example-requests), as stored. */
function entraUser(): JsonObject {
  return {
    externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
    userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
    active: true,
    emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  };
}

describe('Entra ID requests (docs/idp-behaviors.md#entra-example-requests)', () => {
  it('Update User [Multi-valued properties]: Replace ops with a filtered email path', () => {
    const result = replay(entraUser(), 'entra-update-user-multivalued');
    assert.deepEqual(result.document['emails'], [{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
    assert.deepEqual(result.document['name'], { formatted: 'givenName familyName', familyName: 'updatedFamilyName', givenName: 'givenName' });
    assert.deepEqual(result.changedPaths, ['name.familyName', 'emails']);
  });

  it('Update User [Single-valued properties]: Replace userName', () => {
    const result = replay(entraUser(), 'entra-update-user-singlevalued');
    assert.equal(result.document['userName'], '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
    assert.deepEqual(result.changedPaths, ['userName']);
  });

  it('Disable User: Operations before schemas, boolean false', () => {
    const result = replay(entraUser(), 'entra-disable-user');
    assert.equal(result.document['active'], false);
    assert.deepEqual(result.changedPaths, ['active']);
    assert.deepEqual(replay(result.document, 'entra-disable-user').changedPaths, []);
  });

  it('Example 5 (manager as an array) is refused without the manager-shapes quirk', () => {
    assert.throws(() => replay(entraUser(), 'entra-set-manager-example5'), isScim('invalidValue'));
  });

  it('Update Group [Non-member attributes]: an attributes step applied to the group document', () => {
    const plan = planGroupPatch(parsePatchRequest(fixture('entra-update-group-displayname')), groupResourceSchema);
    assert.equal(plan.steps.length, 1);
    const step = plan.steps[0];
    assert.equal(step?.kind, 'attributes');
    if (step?.kind !== 'attributes') return;
    assert.deepEqual(step.transform({ displayName: 'displayName' }), { displayName: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' });
  });
});

describe('Entra ID with and without aadOptscim062020 (docs/idp-behaviors.md#entra-compliance-flag)', () => {
  it('disable user: flagged false applies; unflagged "False" is refused by the strict engine', () => {
    assert.equal(replay(entraUser(), 'entra-disable-user-flagged').document['active'], false);
    assert.throws(() => replay(entraUser(), 'entra-disable-user-unflagged'), isScim('invalidValue'));
  });

  it('add a single-value string attribute, either spelling of op', () => {
    for (const name of ['entra-add-attribute-unflagged', 'entra-add-attribute-flagged']) {
      const result = replay(entraUser(), name);
      assert.equal(result.document['nickName'], 'Babs');
      assert.deepEqual(result.changedPaths, ['nickName']);
    }
  });

  it('replace multiple attributes (unflagged): one op per attribute', () => {
    const result = replay(entraUser(), 'entra-replace-multiple-unflagged');
    assert.equal(result.document['displayName'], 'Pvlo');
    assert.deepEqual(result.document['name'], { formatted: 'givenName familyName', familyName: 'Pkqf', givenName: 'Gtfd' });
    assert.equal(result.document['externalId'], 'Eqpj');
    assert.deepEqual(result.document[ENTERPRISE], { employeeNumber: 'Eqpj' });
    assert.deepEqual((result.document['emails'] as JsonObject[])[0]?.['value'], 'TestBcwqnm@test.microsoft.com');
    assert.deepEqual(result.changedPaths, ['externalId', 'name.familyName', 'name.givenName', 'displayName', 'emails', `${ENTERPRISE}:employeeNumber`]);
  });

  it('replace multiple attributes (flagged): dotted keys need the entra-dotted-keys quirk', () => {
    assert.throws(
      () => replay(entraUser(), 'entra-replace-multiple-flagged'),
      (error: unknown) => error instanceof ScimError && error.scimType === 'invalidPath' && error.detail.includes('name.givenName'),
    );
  });
});

describe('Entra E9: a filtered path that matches nothing creates the element', () => {
  it('creates the work email, and merges several address ops into one work address', () => {
    const user: JsonObject = { userName: 'u', emails: [{ value: 'home@example.com', type: 'home' }] };
    const ops = parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'w@example.com' },
        { op: 'Add', path: 'addresses[type eq "work"].formatted', value: '1 Main St' },
        { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Springfield' },
        { op: 'Replace', path: 'addresses[type eq "work"].region', value: 'IL' },
      ],
    });
    const result = applyPatch(schema, user, ops);
    assert.deepEqual(result.document['emails'], [
      { value: 'home@example.com', type: 'home' },
      { type: 'work', value: 'w@example.com' },
    ]);
    assert.deepEqual(result.document['addresses'], [{ type: 'work', formatted: '1 Main St', locality: 'Springfield', region: 'IL' }]);
    assert.deepEqual(result.changedPaths, ['emails', 'addresses']);
  });

  it('derives fields from an and of eq comparisons; other filters answer noTarget', () => {
    const created = applyPatch(
      schema,
      { userName: 'u' },
      parsePatchRequest({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'phoneNumbers[type eq "work" and primary eq true].value', value: '555' }],
      }),
    );
    assert.deepEqual(created.document['phoneNumbers'], [{ type: 'work', primary: true, value: '555' }]);
    for (const path of ['emails[type ne "work"].value', 'emails[type eq "work" or type eq "home"].value', 'emails[value co "x"].type']) {
      const ops = parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path, value: 'v' }] });
      assert.throws(() => applyPatch(schema, { userName: 'u' }, ops), isScim('noTarget'), path);
    }
  });
});

describe('Okta requests (docs/idp-behaviors.md#okta-example-requests)', () => {
  it('O2 deactivate: no-path replace {"active": false}', () => {
    const result = replay(entraUser(), 'okta-deactivate-user');
    assert.equal(result.document['active'], false);
    assert.deepEqual(result.changedPaths, ['active']);
  });

  it('O5 group rename: the id in the no-path value is ignored, displayName applied', () => {
    const ops = parsePatchRequest(fixture('okta-rename-group'));
    const result = applyPatch(groupResourceSchema, { displayName: 'Old name' }, ops);
    assert.deepEqual(result.document, { displayName: 'Test SCIMv2' });
    assert.deepEqual(result.ignoredPaths, ['id']);
    assert.deepEqual(applyPatch(groupResourceSchema, { displayName: 'Test SCIMv2' }, ops).changedPaths, []);
  });

  it('O6 membership: remove by filter then add, as two ordered steps', () => {
    const plan = planGroupPatch(parsePatchRequest(fixture('okta-membership')), groupResourceSchema);
    assert.deepEqual(plan.steps, [
      { kind: 'removeMembers', ids: ['89bb1940-b905-4575-9e7f-6f887cfb368e'] },
      { kind: 'addMembers', members: [{ id: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }] },
    ]);
  });

  it('full membership push: replace members', () => {
    const plan = planGroupPatch(parsePatchRequest(fixture('okta-full-membership-push')), groupResourceSchema);
    assert.deepEqual(plan.steps, [
      {
        kind: 'replaceMembers',
        members: [
          { id: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' },
          { id: '89bb1940-b905-4575-9e7f-6f887cfb368e', display: 'test.user@okta.local' },
        ],
      },
    ]);
  });
});
