import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '../../json/json-value.js';
import { ScimError, type ScimType } from '../errors.js';
import { MAX_PATCH_OPERATIONS, parsePatchRequest } from './patch-request.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function rejects(body: JsonValue, scimType: ScimType): void {
  assert.throws(
    () => parsePatchRequest(body),
    (error: unknown) => {
      assert.ok(error instanceof ScimError, String(error));
      assert.equal(error.status, 400);
      assert.equal(error.scimType, scimType, error.detail);
      return true;
    },
  );
}

describe('parsePatchRequest', () => {
  it('parses ops in order, lower-casing Entra op names and parsing paths', () => {
    const ops = parsePatchRequest({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Add', path: 'nickName', value: 'Babs' },
        { op: 'REPLACE', path: 'emails[type eq "work"].value', value: 'x@example.com' },
        { op: 'Remove', path: 'title' },
        { op: 'replace', value: { active: false } },
      ],
    });
    assert.deepEqual(
      ops.map((o) => o.op),
      ['add', 'replace', 'remove', 'replace'],
    );
    assert.deepEqual(ops[0], { op: 'add', path: { path: { attribute: 'nickName' } }, rawPath: 'nickName', value: 'Babs' });
    assert.equal(ops[1]?.path?.path.attribute, 'emails');
    assert.equal(ops[1]?.path?.subAttribute, 'value');
    assert.equal(ops[1]?.path?.valueFilter?.kind, 'compare');
    assert.deepEqual(ops[3], { op: 'replace', value: { active: false } });
  });

  it('matches the schema URN and member names case-insensitively; ignores extra members', () => {
    // Microsoft's collection sends a message-level "id" and an op-level "name"
    // (docs/idp-behaviors.md#microsoft-collection).
    const ops = parsePatchRequest({
      id: 'g1',
      SCHEMAS: [PATCH_OP.toUpperCase()],
      operations: [{ name: 'addMember', OP: 'add', Path: 'members', Value: [{ value: 'u1' }] }],
    });
    assert.deepEqual(ops, [{ op: 'add', path: { path: { attribute: 'members' } }, rawPath: 'members', value: [{ value: 'u1' }] }]);
  });

  it('keeps a value sent with remove (so engines can refuse it) and drops a null one', () => {
    const ops = parsePatchRequest({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'remove', path: 'members', value: [{ value: 'u1' }] },
        { op: 'remove', path: 'title', value: null },
      ],
    });
    assert.deepEqual(ops[0]?.value, [{ value: 'u1' }]);
    assert.equal('value' in (ops[1] ?? {}), false);
  });

  it('accepts a null value for add/replace (it unassigns, RFC 7643 §2.5)', () => {
    assert.deepEqual(parsePatchRequest({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: null }] })[0]?.value, null);
  });

  it('refuses malformed messages with invalidSyntax', () => {
    rejects([], 'invalidSyntax');
    rejects('patch', 'invalidSyntax');
    rejects({ Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'invalidSyntax');
    rejects({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [{ op: 'add', value: {} }] }, 'invalidSyntax');
    rejects({ schemas: PATCH_OP, Operations: [{ op: 'add', value: {} }] }, 'invalidSyntax');
    rejects({ schemas: [PATCH_OP] }, 'invalidSyntax');
    rejects({ schemas: [PATCH_OP], Operations: [] }, 'invalidSyntax');
    rejects({ schemas: [PATCH_OP], Operations: {} }, 'invalidSyntax');
    rejects({ schemas: [PATCH_OP], Operations: ['add'] }, 'invalidSyntax');
    rejects({ schemas: [PATCH_OP], Operations: [{ op: 'move', path: 'title' }] }, 'invalidSyntax');
    rejects({ schemas: [PATCH_OP], Operations: [{ path: 'title', value: 'x' }] }, 'invalidSyntax');
    rejects({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 42, value: 'x' }] }, 'invalidSyntax');
  });

  it('refuses add/replace without a value with invalidValue ("a required value was missing")', () => {
    rejects({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title' }] }, 'invalidValue');
    rejects({ schemas: [PATCH_OP], Operations: [{ op: 'add' }] }, 'invalidValue');
  });

  it('refuses unparseable paths with invalidPath', () => {
    rejects({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'emails[type eq "work"' }] }, 'invalidPath');
    rejects({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: '' }] }, 'invalidPath');
  });

  it(`refuses more than ${MAX_PATCH_OPERATIONS} operations with tooMany`, () => {
    const op = { op: 'replace', path: 'title', value: 'x' };
    assert.equal(parsePatchRequest({ schemas: [PATCH_OP], Operations: Array(MAX_PATCH_OPERATIONS).fill(op) }).length, MAX_PATCH_OPERATIONS);
    rejects({ schemas: [PATCH_OP], Operations: Array(MAX_PATCH_OPERATIONS + 1).fill(op) }, 'tooMany');
  });
});
