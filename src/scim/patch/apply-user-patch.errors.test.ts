// Every error applyPatch can answer, and the guarantee that a failed PATCH leaves the input alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { ScimError, type ScimType } from '../errors.js';
import { userResourceSchema } from '../schemas/registry.js';
import { applyPatch } from './apply-user-patch.js';
import { parsePatchRequest } from './patch-request.js';

const schema = userResourceSchema();
const ops = (...Operations: JsonValue[]) => parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
const user = (): JsonObject => ({
  userName: 'bjensen',
  active: true,
  name: { givenName: 'Barbara' },
  emails: [{ value: 'b@example.com', type: 'work', primary: true }],
});

function deepFreeze<T extends JsonValue>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function rejects(scimType: ScimType, mentions: string, ...operations: JsonValue[]): void {
  assert.throws(
    () => applyPatch(schema, deepFreeze(user()), ops(...operations)),
    (error: unknown) => {
      assert.ok(error instanceof ScimError, String(error));
      assert.equal(error.status, 400);
      assert.equal(error.scimType, scimType, error.detail);
      assert.ok(error.detail.includes(mentions), `"${error.detail}" should mention ${mentions}`);
      return true;
    },
  );
}

describe('applyPatch errors', () => {
  it('mutability: removing or nulling a required attribute (RFC 7644 §3.5.2.2)', () => {
    rejects('mutability', 'userName', { op: 'remove', path: 'userName' });
    rejects('mutability', 'userName', { op: 'replace', path: 'userName', value: null });
    rejects('mutability', 'userName', { op: 'replace', value: { userName: null } });
  });

  it('invalidValue: an empty required string', () => {
    rejects('invalidValue', 'userName', { op: 'replace', path: 'userName', value: '' });
  });

  it('mutability: read-only attributes and sub-attributes in a path or value', () => {
    rejects('mutability', 'id', { op: 'replace', path: 'id', value: 'x' });
    rejects('mutability', 'meta.created', { op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' });
    rejects('mutability', 'groups', { op: 'add', path: 'groups', value: [{ value: 'g' }] });
    rejects('mutability', 'groups', { op: 'replace', value: { groups: [{ value: 'g' }] } });
    rejects('mutability', 'displayName', { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName', value: 'M' });
  });

  it('id, schemas and meta inside a no-path value are ignored, not refused (Okta O5)', () => {
    const result = applyPatch(schema, user(), ops({ op: 'replace', value: { id: 'x', schemas: [], meta: {}, nickName: 'B' } }));
    assert.equal(result.document['nickName'], 'B');
    assert.deepEqual(result.ignoredPaths, ['id', 'schemas', 'meta']);
  });

  it('password is accepted and never stored', () => {
    const result = applyPatch(schema, user(), ops({ op: 'replace', path: 'password', value: 's3cret' }, { op: 'replace', value: { password: 'x' } }));
    assert.deepEqual(result.document, user());
    assert.deepEqual(result.changedPaths, []);
    assert.deepEqual(result.ignoredPaths, ['password', 'password']);
  });

  it('invalidPath: unknown attributes and sub-attributes are named', () => {
    rejects('invalidPath', 'favouriteColour', { op: 'replace', path: 'favouriteColour', value: 'x' });
    rejects('invalidPath', 'favouriteColour', { op: 'replace', value: { favouriteColour: 'x' } });
    rejects('invalidPath', 'name.nickname', { op: 'replace', path: 'name.nickname', value: 'x' });
    rejects('invalidPath', 'colour', { op: 'replace', path: 'emails[type eq "work"].colour', value: 'x' });
    rejects('invalidPath', 'colour', { op: 'remove', path: 'emails[colour eq "red"]' });
    rejects('invalidPath', 'multi-valued', { op: 'replace', path: 'name[givenName eq "B"].familyName', value: 'J' });
    rejects('invalidPath', 'department', { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:other:2.0:User:department', value: 'x' });
  });

  it('invalidFilter: ordering on a boolean (RFC 7644 §3.4.2.2)', () => {
    rejects('invalidFilter', 'primary', { op: 'remove', path: 'emails[primary gt true]' });
  });

  it('noTarget: remove without a path; replace through a filter nothing can satisfy', () => {
    rejects('noTarget', 'path', { op: 'remove' });
    rejects('noTarget', 'emails', { op: 'replace', path: 'emails[type ne "work"]', value: { value: 'x' } });
  });

  it('invalidValue: wrong types, unknown sub-attributes, two primaries, remove with a value', () => {
    rejects('invalidValue', 'active', { op: 'replace', path: 'active', value: 'False' });
    rejects('invalidValue', 'emails', { op: 'add', path: 'emails', value: { value: 'x' } });
    rejects('invalidValue', 'name', { op: 'replace', path: 'name', value: 'Barbara Jensen' });
    rejects('invalidValue', 'colour', { op: 'add', path: 'emails', value: [{ value: 'x', colour: 'red' }] });
    rejects('invalidValue', 'primary', {
      op: 'replace',
      path: 'emails',
      value: [
        { value: 'a', primary: true },
        { value: 'b', primary: true },
      ],
    });
    rejects('invalidValue', 'emails', { op: 'remove', path: 'emails', value: [{ value: 'b@example.com' }] });
    rejects('invalidValue', 'without a path', { op: 'add', value: 'nickName' });
  });

  it('fails atomically: the error names the operation and the input document is untouched', () => {
    const input = deepFreeze(user());
    const snapshot = structuredClone(input);
    assert.throws(
      () =>
        applyPatch(
          schema,
          input,
          ops(
            { op: 'replace', path: 'active', value: false },
            { op: 'add', path: 'emails', value: [{ value: 'c@example.com', type: 'home' }] },
            { op: 'remove', path: 'userName' },
            { op: 'replace', path: 'nickName', value: 'never' },
          ),
        ),
      (error: unknown) => error instanceof ScimError && error.scimType === 'mutability' && error.detail.startsWith('Operations[2]:'),
    );
    assert.deepEqual(input, snapshot);
  });

  it('never mutates its input on success either', () => {
    const input = deepFreeze(user());
    const result = applyPatch(schema, input, ops({ op: 'replace', path: 'emails[type eq "work"].value', value: 'n@example.com' }));
    assert.notEqual(result.document, input);
    assert.equal((input['emails'] as JsonObject[])[0]?.['value'], 'b@example.com');
  });
});
