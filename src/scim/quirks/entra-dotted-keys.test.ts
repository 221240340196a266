import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { applyPatch } from '../patch/apply-user-patch.js';
import { parsePatchRequest } from '../patch/patch-request.js';
import { userResourceSchema } from '../schemas/registry.js';
import { entraDottedKeys } from './entra-dotted-keys.js';

const schema = userResourceSchema();
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const fixture = (name: string): JsonValue => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonValue;
const run = (body: JsonValue) => entraDottedKeys.normalise(body, { stage: 'patch', resourceType: 'User', schema });
const user = (): JsonObject => ({ userName: 'u', emails: [{ type: 'work', value: 'old@example.com', primary: true }], name: { givenName: 'g', familyName: 'f' } });

describe('entra-dotted-keys (E3)', () => {
  it('splits the flagged "replace multiple attributes" value into one operation per path', () => {
    const { body, fired } = run(fixture('entra-replace-multiple-flagged'));
    assert.equal(fired, true);
    assert.deepEqual((body as JsonObject)['Operations'], [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
      { op: 'replace', value: { displayName: 'Bjfe' } },
      { op: 'replace', value: 'Kkom', path: 'name.givenName' },
      { op: 'replace', value: 'Unua', path: 'name.familyName' },
      { op: 'replace', value: 'Aklq', path: `${ENTERPRISE}:employeeNumber` },
    ]);
    const result = applyPatch(schema, user(), parsePatchRequest(body));
    assert.deepEqual(result.document, {
      userName: 'u',
      emails: [{ type: 'work', value: 'TestMhvaes@test.microsoft.com', primary: true }],
      name: { givenName: 'Kkom', familyName: 'Unua' },
      displayName: 'Bjfe',
      [ENTERPRISE]: { employeeNumber: 'Aklq' },
    });
  });

  it('with and without the flag, Entra\'s "replace multiple attributes" change the same attributes', () => {
    const flagged = applyPatch(schema, user(), parsePatchRequest(run(fixture('entra-replace-multiple-flagged')).body));
    const unflagged = applyPatch(schema, user(), parsePatchRequest(fixture('entra-replace-multiple-unflagged')));
    assert.deepEqual(new Set(flagged.changedPaths), new Set([...unflagged.changedPaths].filter((p) => p !== 'externalId')));
  });

  it('does not fire on plain keys or URN-keyed extension objects (the RFC form)', () => {
    const body = { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { displayName: 'x', [ENTERPRISE]: { department: 'd' } } }] };
    assert.deepEqual(run(body), { body, fired: false });
  });

  it('keeps key order, grouping consecutive plain keys', () => {
    const body = { schemas: [PATCH_OP], Operations: [{ op: 'add', value: { title: 't', nickName: 'n', 'name.middleName': 'm', active: true } }] };
    assert.deepEqual((run(body).body as JsonObject)['Operations'], [
      { op: 'add', value: { title: 't', nickName: 'n' } },
      { op: 'add', value: 'm', path: 'name.middleName' },
      { op: 'add', value: { active: true } },
    ]);
  });
});

describe('entra-dotted-keys: only known paths', () => {
  it('leaves keys that name nothing known (or an unknown extension) for the engine to refuse', () => {
    const body = { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { 'name.nickname': 'x', 'urn:example:params:ext:2.0:User': { a: 1 } } }] };
    assert.deepEqual(run(body), { body, fired: false });
  });
});
