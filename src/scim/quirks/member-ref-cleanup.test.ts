import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { JsonValue } from '../../json/json-value.js';
import { parsePatchRequest } from '../patch/patch-request.js';
import { planGroupPatch } from '../patch/plan-group-patch.js';
import { groupResourceSchema } from '../schemas/registry.js';
import { memberRefCleanup } from './member-ref-cleanup.js';
import type { NormaliserStage } from './normaliser.js';

const fixture = (name: string): JsonValue => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonValue;
const run = (body: JsonValue, stage: NormaliserStage = 'patch') => memberRefCleanup.normalise(body, { stage, resourceType: 'Group', schema: groupResourceSchema });
const plan = (body: JsonValue) => planGroupPatch(parsePatchRequest(body), groupResourceSchema).steps;

describe('member-ref-cleanup (E5, Microsoft collection)', () => {
  it('Entra "Update Group [Add Members]": "$ref": null is dropped', () => {
    const { body, fired } = run(fixture('entra-add-members'));
    assert.equal(fired, true);
    assert.deepEqual(plan(body), [{ kind: 'addMembers', members: [{ id: 'f648f8d5ea4e4cd38e9c' }] }]);
  });

  it('a bare id string as the value of add members is wrapped', () => {
    const { body, fired } = run(fixture('postman-group-add-member-string'));
    assert.equal(fired, true);
    assert.deepEqual(plan(body), [{ kind: 'addMembers', members: [{ id: 'string id 1' }] }]);
  });

  it('member displayName becomes display, so the name is kept', () => {
    const { body, fired } = run(fixture('postman-add-member-displayname'));
    assert.equal(fired, true);
    assert.deepEqual(plan(body), [{ kind: 'addMembers', members: [{ id: '{{id4}}', display: 'new User' }] }]);
  });

  it('cleans members in no-path values and in POST/PUT bodies', () => {
    const patch = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { members: [{ value: 'u1', $ref: null }] } }] };
    assert.deepEqual(plan(run(patch).body), [{ kind: 'replaceMembers', members: [{ id: 'u1' }] }]);
    const post = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'G', members: [{ value: 'u1', displayName: 'One', $ref: null }] };
    assert.deepEqual(run(post, 'resource').body, { schemas: post.schemas, displayName: 'G', members: [{ value: 'u1', display: 'One' }] });
    assert.equal(post.members[0]?.displayName, 'One', 'input not mutated');
  });

  it('does not fire on RFC-shaped member values (Okta O6) or on non-null $ref', () => {
    const okta = fixture('okta-membership');
    assert.deepEqual(run(okta), { body: okta, fired: false });
    const ref = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: [{ value: 'u', $ref: 'https://x/Users/u', display: 'd', displayName: 'e' }] }],
    };
    assert.equal(run(ref).fired, false);
  });
});
