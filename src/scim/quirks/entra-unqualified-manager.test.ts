import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { applyPatch } from '../patch/apply-user-patch.js';
import { parsePatchRequest } from '../patch/patch-request.js';
import { setAsideMisplacedTargets } from '../resources/misplaced-patch-targets.js';
import { rosterUserSchema } from '../schemas/roster-user.js';
import { userResourceSchema } from '../schemas/registry.js';
import { URN } from '../schemas/urns.js';
import { entraUnqualifiedManager } from './entra-unqualified-manager.js';
import { normalisePatchBody } from './index.js';

const ENT = URN.enterpriseUser;
const schema = userResourceSchema();
const fixture = (name: string): JsonValue => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonValue;
const patchOf = (...Operations: JsonValue[]): JsonValue => ({ schemas: [URN.patchOp], Operations });
const run = (body: JsonValue) => entraUnqualifiedManager.normalise(body, { stage: 'patch', resourceType: 'User', schema });
const operationsOf = (body: JsonValue): JsonObject[] => (body as JsonObject)['Operations'] as JsonObject[];
/** The whole way a PATCH body goes before the engine: normalisers, strict parse, misplaced names set aside. */
const prepare = (body: JsonValue) => setAsideMisplacedTargets(schema, parsePatchRequest(normalisePatchBody('User', body).body));

describe('entra-unqualified-manager (Example 5, E10)', () => {
  it('Example 5: the unqualified path is qualified, and the whole pipeline sets the manager', () => {
    const { body, fired } = run(fixture('entra-set-manager-example5'));
    assert.equal(fired, true);
    assert.equal(operationsOf(body)[0]?.['path'], `${ENT}:manager`);
    const { operations, ignored } = prepare(fixture('entra-set-manager-example5'));
    assert.deepEqual(ignored, []);
    const result = applyPatch(schema, { userName: 'u' }, operations);
    assert.deepEqual(result.document[ENT], {
      manager: { $ref: 'http://.../scim/Users/00aa00aa-bb11-cc22-dd33-44ee44ee44ee', value: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee' },
    });
  });

  it('qualifies `manager.value` and removes, and moves a bare no-path manager key into the extension object', () => {
    const { body } = run(
      patchOf(
        { op: 'replace', path: ' Manager.value ', value: 'm1' },
        { op: 'remove', path: 'manager' },
        { op: 'add', value: { displayName: 'D', manager: { value: 'm2' }, [ENT]: { department: 'X' } } },
      ),
    );
    assert.deepEqual(operationsOf(body), [
      { op: 'replace', path: `${ENT}:Manager.value`, value: 'm1' },
      { op: 'remove', path: `${ENT}:manager` },
      { op: 'add', value: { displayName: 'D', [ENT]: { department: 'X', manager: { value: 'm2' } } } },
    ]);
  });

  it('does not fire on qualified paths, on other bare names, or when the extension object already has a manager', () => {
    const body = patchOf(
      { op: 'add', path: `${ENT}:manager`, value: { value: 'm' } },
      { op: 'replace', path: 'department', value: 'D' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'a@x' },
      { op: 'add', value: { manager: { value: 'a' }, [ENT]: { manager: { value: 'b' } } } },
    );
    assert.deepEqual(run(body), { body, fired: false });
  });

  it('does nothing for a User resource without the enterprise extension', () => {
    const rosterOnly = userResourceSchema([rosterUserSchema()]);
    const body = fixture('entra-set-manager-example5');
    assert.equal(entraUnqualifiedManager.normalise(body, { stage: 'patch', resourceType: 'User', schema: rosterOnly }).fired, false);
  });
});
