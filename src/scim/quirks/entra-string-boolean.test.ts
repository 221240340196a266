import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { applyPatch } from '../patch/apply-user-patch.js';
import { parsePatchRequest } from '../patch/patch-request.js';
import { userResourceSchema } from '../schemas/registry.js';
import { entraStringBoolean } from './entra-string-boolean.js';
import type { NormaliserStage } from './normaliser.js';

const schema = userResourceSchema();
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const fixture = (name: string): JsonValue => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonValue;
const run = (body: JsonValue, stage: NormaliserStage = 'patch') => entraStringBoolean.normalise(body, { stage, resourceType: 'User', schema });
const patchOf = (...Operations: JsonValue[]): JsonValue => ({ schemas: [PATCH_OP], Operations });
const valuesOf = (body: JsonValue): unknown[] => ((body as JsonObject)['Operations'] as JsonObject[]).map((o) => o['value']);

describe('entra-string-boolean (E2)', () => {
  it('"False" in the unflagged Disable User becomes false, and then equals the flagged request', () => {
    const { body, fired } = run(fixture('entra-disable-user-unflagged'));
    assert.equal(fired, true);
    const user = { userName: 'u', active: true };
    const unflagged = applyPatch(schema, user, parsePatchRequest(body));
    const flagged = applyPatch(schema, user, parsePatchRequest(fixture('entra-disable-user-flagged')));
    assert.deepEqual(unflagged, flagged);
    assert.equal(unflagged.document['active'], false);
  });

  it('converts any case at every boolean position: path, sub-attribute, filtered element, no-path value, lists', () => {
    const { body, fired } = run(
      patchOf(
        { op: 'replace', path: 'active', value: 'TRUE' },
        { op: 'replace', path: 'emails[type eq "work"].primary', value: 'true' },
        { op: 'replace', path: 'emails[type eq "work"]', value: { value: 'w@example.com', type: 'work', Primary: 'False' } },
        { op: 'add', path: 'emails', value: [{ value: 'h@example.com', primary: 'false' }] },
        { op: 'replace', value: { active: 'false', 'addresses[type eq "work"].primary': 'True', name: { givenName: 'True' } } },
      ),
    );
    assert.equal(fired, true);
    assert.deepEqual(valuesOf(body), [
      true,
      true,
      { value: 'w@example.com', type: 'work', Primary: false },
      [{ value: 'h@example.com', primary: false }],
      { active: false, 'addresses[type eq "work"].primary': true, name: { givenName: 'True' } },
    ]);
  });

  it('leaves strings at string positions, non-words and real booleans alone', () => {
    const body = patchOf(
      { op: 'replace', path: 'nickName', value: 'True' },
      { op: 'replace', path: 'active', value: 'yes' },
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: 'unknownAttribute', value: 'True' },
      { op: 'replace', path: 'emails[type eq "work"', value: 'True' },
    );
    assert.deepEqual(run(body), { body, fired: false });
  });

  it('POST body of Microsoft\'s "Post emp1 with string True": active becomes true, and the body applies', () => {
    const input = fixture('postman-post-user-string-true');
    const { body, fired } = run(input, 'resource');
    assert.equal(fired, true);
    assert.equal((body as JsonObject)['active'], true);
    assert.equal((input as JsonObject)['active'], 'True', 'input not mutated');
    assert.deepEqual({ ...(body as JsonObject), active: 'True' }, input, 'nothing else changed');
    // The strict engine accepts the normalised body as a no-path add onto an empty user.
    const created = applyPatch(schema, {}, parsePatchRequest(patchOf({ op: 'add', value: body })));
    assert.equal(created.document['active'], true);
    assert.equal(created.document['userName'], 'emp1');
  });
});
