import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { applyPatch } from '../patch/apply-user-patch.js';
import { parsePatchRequest } from '../patch/patch-request.js';
import { userResourceSchema } from '../schemas/registry.js';
import { entraCapitalisedOp } from './entra-capitalised-op.js';

const schema = userResourceSchema();
const fixture = (name: string): JsonValue => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonValue;
const run = (body: JsonValue) => entraCapitalisedOp.normalise(body, { stage: 'patch', resourceType: 'User', schema });
const opsOf = (body: JsonValue): unknown[] => ((body as JsonObject)['Operations'] as JsonObject[]).map((o) => o['op']);

describe('entra-capitalised-op (E1)', () => {
  it('lower-cases Replace in "Update User [Multi-valued properties]", and the result applies', () => {
    const input = fixture('entra-update-user-multivalued');
    const { body, fired } = run(input);
    assert.equal(fired, true);
    assert.deepEqual(opsOf(body), ['replace', 'replace']);
    assert.deepEqual(opsOf(input), ['Replace', 'Replace'], 'input not mutated');
    const user = { userName: 'u', emails: [{ type: 'work', value: 'old@example.com' }], name: { familyName: 'f' } };
    const result = applyPatch(schema, user, parsePatchRequest(body));
    assert.deepEqual(result.document, { userName: 'u', emails: [{ type: 'work', value: 'updatedEmail@microsoft.com' }], name: { familyName: 'updatedFamilyName' } });
  });

  it('fires on Add (docs/idp-behaviors.md#entra-compliance-flag, without the flag) and not on the flagged body', () => {
    assert.equal(run(fixture('entra-add-attribute-unflagged')).fired, true);
    const flagged = fixture('entra-add-attribute-flagged');
    assert.deepEqual(run(flagged), { body: flagged, fired: false });
  });

  it('leaves unknown ops alone for the strict parser to refuse', () => {
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Move', path: 'title' }] };
    assert.equal(run(body).fired, false);
  });
});
