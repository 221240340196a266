import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupResourceSchema } from '../schemas/registry.js';
import { URN } from '../schemas/urns.js';
import { ScimError } from '../errors.js';
import type { IgnoredAttribute } from './ignored-attribute.js';
import { parseMembers } from './parse-members.js';
import { parseResource } from './parse-resource.js';

describe('parseResource: group members', () => {
  it('Okta create with members: [] gives an empty list, not undefined', () => {
    const parsed = parseResource(groupResourceSchema, { schemas: [URN.group], displayName: 'Test SCIMv2', members: [] });
    assert.deepEqual(parsed, { document: { displayName: 'Test SCIMv2' }, ignored: [], members: [] });
  });

  it('accepts display or displayName, ignores $ref, canonicalises type, collapses duplicates', () => {
    const parsed = parseResource(groupResourceSchema, {
      displayName: 'G',
      members: [
        { value: 'u1', display: 'test.user@okta.local' },
        { $ref: null, value: 'u2', displayName: 'new User', type: 'user' },
        { Value: 'g3', TYPE: 'Group', $ref: 'https://x/Groups/g3' },
        { value: 'u1', display: 'again' },
      ],
    });
    assert.deepEqual(parsed.members, [
      { value: 'u1', display: 'test.user@okta.local' },
      { value: 'u2', type: 'User', display: 'new User' },
      { value: 'g3', type: 'Group' },
    ]);
    assert.deepEqual(parsed.document, { displayName: 'G' });
  });

  it('rejects a member without value or with an unknown type; lists unknown member keys', () => {
    assert.throws(() => parseResource(groupResourceSchema, { displayName: 'G', members: [{ display: 'x' }] }), ScimError);
    assert.throws(() => parseResource(groupResourceSchema, { displayName: 'G', members: [{ value: 'x', type: 'Device' }] }), ScimError);
    const parsed = parseResource(groupResourceSchema, { displayName: 'G', members: [{ value: 'x', vale: 'y' }] });
    assert.deepEqual(parsed.ignored, [{ path: 'members.vale', reason: 'unknownAttribute', suggestion: 'members.value' }]);
  });
});

describe('parseMembers (shared with PATCH)', () => {
  it("Entra's add-members value: $ref null ignored, nothing logged", () => {
    const ignored: IgnoredAttribute[] = [];
    assert.deepEqual(parseMembers([{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }], ignored), [{ value: 'f648f8d5ea4e4cd38e9c' }]);
    assert.deepEqual(ignored, []);
  });

  it('one object is a list of one; a string is rejected; null elements are listed', () => {
    const ignored: IgnoredAttribute[] = [];
    assert.deepEqual(parseMembers({ value: 'u1' }, ignored), [{ value: 'u1' }]);
    assert.throws(() => parseMembers('u1', ignored), ScimError);
    assert.deepEqual(parseMembers([null, { value: 'u2' }], ignored, 'members'), [{ value: 'u2' }]);
    assert.deepEqual(ignored, [{ path: 'members', reason: 'nullValue' }]);
  });
});
