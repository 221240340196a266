import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '../../json/json-value.js';
import { ScimError, type ScimType } from '../errors.js';
import { groupResourceSchema } from '../schemas/registry.js';
import { parsePatchRequest } from './patch-request.js';
import { planGroupPatch } from './plan-group-patch.js';

const plan = (...Operations: JsonValue[]) =>
  planGroupPatch(parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations }), groupResourceSchema).steps;

function rejects(scimType: ScimType, ...operations: JsonValue[]): void {
  assert.throws(
    () => plan(...operations),
    (error: unknown) => error instanceof ScimError && error.scimType === scimType,
  );
}

const BABS = '2819c223-7f76-453a-919d-413861904646';
const JAMES = '08e1d05d-121c-4561-8b96-473d93df9210';

describe('planGroupPatch: RFC 7644 §3.5.2 member examples', () => {
  it('add members (§3.5.2.1): $ref names the type', () => {
    const steps = plan({
      op: 'add',
      path: 'members',
      value: [{ display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${BABS}`, value: BABS }],
    });
    assert.deepEqual(steps, [{ kind: 'addMembers', members: [{ id: BABS, type: 'User', display: 'Babs Jensen' }] }]);
  });

  it('remove one member by filter (§3.5.2.2)', () => {
    assert.deepEqual(plan({ op: 'remove', path: `members[value eq "${BABS}"]` }), [{ kind: 'removeMembers', ids: [BABS] }]);
  });

  it('remove all members, then add one (§3.5.2.2)', () => {
    const steps = plan(
      { op: 'remove', path: 'members' },
      { op: 'add', path: 'members', value: [{ display: 'James Smith', $ref: `https://example.com/v2/Users/${JAMES}`, value: JAMES }] },
    );
    assert.deepEqual(steps, [{ kind: 'removeAllMembers' }, { kind: 'addMembers', members: [{ id: JAMES, type: 'User', display: 'James Smith' }] }]);
  });

  it('replace members (§3.5.2.3)', () => {
    const steps = plan({
      op: 'replace',
      path: 'members',
      value: [
        { display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${BABS}`, value: BABS },
        { display: 'James Smith', $ref: `https://example.com/v2/Users/${JAMES}`, value: JAMES },
      ],
    });
    assert.deepEqual(steps, [
      {
        kind: 'replaceMembers',
        members: [
          { id: BABS, type: 'User', display: 'Babs Jensen' },
          { id: JAMES, type: 'User', display: 'James Smith' },
        ],
      },
    ]);
  });
});

describe('planGroupPatch: forms and ordering', () => {
  it('an or of value eq is one removeMembers; other filters go to storage as removeMembersWhere', () => {
    assert.deepEqual(plan({ op: 'remove', path: 'members[value eq "a" or value eq "b" or members.value eq "c"]' }), [{ kind: 'removeMembers', ids: ['a', 'b', 'c'] }]);
    const [step] = plan({ op: 'remove', path: 'members[type eq "Group"]' });
    assert.equal(step?.kind, 'removeMembersWhere');
    assert.equal(plan({ op: 'remove', path: 'members[value eq "a" and type eq "User"]' })[0]?.kind, 'removeMembersWhere');
  });

  it('no-path add/replace split into attribute and member steps; id, schemas and meta dropped', () => {
    const [attributes, members, ...rest] = plan({ op: 'replace', value: { id: 'g1', displayName: 'Ops', members: [{ value: 'u1', type: 'user' }] } });
    assert.equal(attributes?.kind, 'attributes');
    if (attributes?.kind === 'attributes') assert.deepEqual(attributes.transform({ displayName: 'Old', externalId: 'e1' }), { displayName: 'Ops', externalId: 'e1' });
    assert.deepEqual([members, ...rest], [{ kind: 'replaceMembers', members: [{ id: 'u1', type: 'User' }] }]);
    assert.deepEqual(plan({ op: 'add', value: { Members: [{ value: 'u1' }, { value: 'u1' }] } }), [{ kind: 'addMembers', members: [{ id: 'u1' }] }]);
    assert.deepEqual(plan({ op: 'replace', value: { id: 'g1', schemas: [] } }), []);
  });

  it('attribute paths become attribute steps, in order with member steps', () => {
    const steps = plan(
      { op: 'replace', path: 'displayName', value: 'Ops' },
      { op: 'add', path: 'members', value: [{ value: 'u1' }] },
      { op: 'replace', path: 'externalId', value: 'e1' },
    );
    assert.deepEqual(
      steps.map((s) => s.kind),
      ['attributes', 'addMembers', 'attributes'],
    );
  });

  it('adjacent adds and adjacent removes by id merge; anything between keeps them apart', () => {
    const steps = plan(
      { op: 'add', path: 'members', value: [{ value: 'u1' }] },
      { op: 'add', path: 'members', value: [{ value: 'u2' }, { value: 'u1' }] },
      { op: 'remove', path: 'members[value eq "u3"]' },
      { op: 'remove', path: 'members[value eq "u4"]' },
      { op: 'add', path: 'members', value: [{ value: 'u3' }] },
    );
    assert.deepEqual(steps, [
      { kind: 'addMembers', members: [{ id: 'u1' }, { id: 'u2' }] },
      { kind: 'removeMembers', ids: ['u3', 'u4'] },
      { kind: 'addMembers', members: [{ id: 'u3' }] },
    ]);
  });

  it('an attribute step checks the patched document as a group body when it is applied', () => {
    const [step] = plan({ op: 'replace', path: 'displayName', value: 5 });
    assert.equal(step?.kind, 'attributes');
    if (step?.kind === 'attributes')
      assert.throws(
        () => step.transform({ displayName: 'Ops' }),
        (error: unknown) => error instanceof ScimError,
      );
  });

  it('a filtered remove the planner cannot name ids for is a condition on the members', () => {
    const [step] = plan({ op: 'remove', path: 'members[type eq "Group"]' });
    assert.equal(step?.kind, 'removeMembersWhere');
    if (step?.kind === 'removeMembersWhere') assert.equal(step.condition.kind, 'compare');
  });

  it('an empty add is no step; an empty replace empties the group', () => {
    assert.deepEqual(plan({ op: 'add', path: 'members', value: [] }), []);
    assert.deepEqual(plan({ op: 'replace', path: 'members', value: [] }), [{ kind: 'replaceMembers', members: [] }]);
  });
});

describe('planGroupPatch: errors', () => {
  it('invalidValue: member value missing, empty or not a string; bad type; not a list', () => {
    rejects('invalidValue', { op: 'add', path: 'members', value: [{ display: 'x' }] });
    rejects('invalidValue', { op: 'add', path: 'members', value: [{ value: '' }] });
    rejects('invalidValue', { op: 'add', path: 'members', value: [{ value: 42 }] });
    rejects('invalidValue', { op: 'add', path: 'members', value: [{ value: 'u1', type: 'Robot' }] });
    rejects('invalidValue', { op: 'add', path: 'members', value: 'u1' });
    rejects('invalidValue', { op: 'add', path: 'members', value: ['u1'] });
    rejects('invalidValue', { op: 'replace', value: 'Ops' });
  });

  it('invalidValue: remove members with a value is refused, never read as "remove all"', () => {
    rejects('invalidValue', { op: 'Remove', path: 'members', value: [{ value: 'u1' }] });
  });

  it('mutability: member sub-attributes and filtered add/replace', () => {
    rejects('mutability', { op: 'replace', path: 'members[value eq "u1"].display', value: 'x' });
    rejects('mutability', { op: 'remove', path: 'members.display' });
    rejects('mutability', { op: 'replace', path: 'members[value eq "u1"]', value: { value: 'u2' } });
  });

  it('noTarget: remove without a path; invalidPath: unknown member sub-attribute in a filter', () => {
    rejects('noTarget', { op: 'remove' });
    rejects('invalidPath', { op: 'remove', path: 'members[colour eq "red"]' });
  });
});
