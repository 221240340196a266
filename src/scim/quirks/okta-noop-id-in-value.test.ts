import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { JsonValue } from '../../json/json-value.js';
import { parsePatchRequest } from '../patch/patch-request.js';
import { planGroupPatch } from '../patch/plan-group-patch.js';
import { groupResourceSchema } from '../schemas/registry.js';
import { oktaNoopIdInValue } from './okta-noop-id-in-value.js';

const fixture = (name: string): JsonValue => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonValue;
const run = (body: JsonValue) => oktaNoopIdInValue.normalise(body, { stage: 'patch', resourceType: 'Group', schema: groupResourceSchema });

describe('okta-noop-id-in-value (O5)', () => {
  it("drops the id from Okta's group rename, which then plans and applies as a rename", () => {
    const { body, fired } = run(fixture('okta-rename-group'));
    assert.equal(fired, true);
    assert.deepEqual(body, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { displayName: 'Test SCIMv2' } }],
    });
    const plan = planGroupPatch(parsePatchRequest(body), groupResourceSchema);
    assert.deepEqual(
      plan.steps.map((s) => s.kind),
      ['attributes'],
    );
    const step = plan.steps[0];
    if (step?.kind !== 'attributes') throw new Error('expected an attributes step');
    assert.deepEqual(step.transform({ displayName: 'Old' }), { displayName: 'Test SCIMv2' });
  });

  it('does not fire on a no-path value without server-owned keys, nor on path operations', () => {
    const deactivate = fixture('okta-deactivate-user');
    assert.deepEqual(run(deactivate), { body: deactivate, fired: false });
    const pathOp = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: { id: 'x' } }] };
    assert.equal(run(pathOp).fired, false);
  });

  it('drops schemas and meta too, in any case', () => {
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', value: { ID: 'g', Meta: {}, schemas: [], externalId: 'e' } }] };
    assert.deepEqual(run(body).body, { schemas: body.schemas, Operations: [{ op: 'add', value: { externalId: 'e' } }] });
  });
});
