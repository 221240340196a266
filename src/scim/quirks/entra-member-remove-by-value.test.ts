import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { DEFAULT_FILTER_LIMITS } from '../filter/parse-filter.js';
import { parsePatchRequest } from '../patch/patch-request.js';
import { planGroupPatch } from '../patch/plan-group-patch.js';
import { groupResourceSchema } from '../schemas/registry.js';
import { entraMemberRemoveByValue } from './entra-member-remove-by-value.js';
import { normalisePatchBody } from './index.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const fixture = (name: string): JsonValue => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonValue;
const run = (body: JsonValue) => entraMemberRemoveByValue.normalise(body, { stage: 'patch', resourceType: 'Group', schema: groupResourceSchema });
const plan = (body: JsonValue) => planGroupPatch(parsePatchRequest(body), groupResourceSchema).steps;
const removeBody = (ids: readonly JsonValue[]): JsonValue => ({
  schemas: [PATCH_OP],
  Operations: [{ op: 'Remove', path: 'members', value: ids.map((value) => ({ value })) }],
});

describe('entra-member-remove-by-value (E4)', () => {
  it('"Update Group [Remove Members]" becomes a filtered remove of exactly that member', () => {
    const { body, fired } = run(fixture('entra-remove-members'));
    assert.equal(fired, true);
    assert.deepEqual((body as JsonObject)['Operations'], [{ op: 'Remove', path: 'members[value eq "f648f8d5ea4e4cd38e9c"]' }]);
    assert.deepEqual(plan(body), [{ kind: 'removeMembers', ids: ['f648f8d5ea4e4cd38e9c'] }]);
  });

  it('without and with aadOptscim062020, the member removal plans the same step', () => {
    const unflagged = plan(run(fixture('entra-remove-member-unflagged')).body);
    assert.deepEqual(unflagged, [{ kind: 'removeMembers', ids: ['u1091'] }]);
    assert.deepEqual(
      plan(fixture('entra-remove-member-flagged')).map((s) => s.kind),
      ['removeMembers'],
    );
  });

  it('several members become one or-filter; quotes and backslashes are escaped', () => {
    const ids = ['a"b', 'c\\d', 'plain', 'é ü'];
    const { body } = run(removeBody(ids));
    assert.deepEqual(plan(body), [{ kind: 'removeMembers', ids }]);
  });

  it('500 long ids split into paths the parser accepts, planned as one removal', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `${'0'.repeat(30)}-${i}`);
    const { body } = run(removeBody(ids));
    const operations = (body as JsonObject)['Operations'] as JsonObject[];
    assert.ok(operations.length > 1);
    for (const op of operations) assert.ok(String(op['path']).length <= DEFAULT_FILTER_LIMITS.maxLength);
    assert.deepEqual(plan(body), [{ kind: 'removeMembers', ids }]);
  });

  it('never touches a value-less remove (the RFC "remove all members")', () => {
    const all = { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members' }] };
    assert.deepEqual(run(all), { body: all, fired: false });
    assert.deepEqual(plan(all), [{ kind: 'removeAllMembers' }]);
  });

  it('does not fire when an element has no string id: the planner then refuses the request', () => {
    const body = removeBody(['ok', 7]);
    assert.equal(run(body).fired, false);
    assert.throws(() => plan(body));
  });

  it('through the whole pipeline, the Entra fixture fires the three normalisers it needs', () => {
    const { body, fired } = normalisePatchBody('Group', fixture('entra-remove-members'));
    assert.deepEqual(fired, ['entra-capitalised-op', 'member-ref-cleanup', 'entra-member-remove-by-value']);
    assert.deepEqual(plan(body), [{ kind: 'removeMembers', ids: ['f648f8d5ea4e4cd38e9c'] }]);
  });
});
