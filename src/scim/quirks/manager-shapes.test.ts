import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { applyPatch } from '../patch/apply-user-patch.js';
import { parsePatchRequest } from '../patch/patch-request.js';
import { userResourceSchema } from '../schemas/registry.js';
import { managerShapes } from './manager-shapes.js';
import type { NormaliserStage } from './normaliser.js';

const schema = userResourceSchema();
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const fixture = (name: string): JsonValue => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonValue;
const run = (body: JsonValue, stage: NormaliserStage = 'patch') => managerShapes.normalise(body, { stage, resourceType: 'User', schema });
const patchOf = (...Operations: JsonValue[]): JsonValue => ({ schemas: [PATCH_OP], Operations });
const apply = (body: JsonValue, doc: JsonObject = { userName: 'u' }) => applyPatch(schema, doc, parsePatchRequest(body));

describe('manager-shapes (E10, Example 5)', () => {
  it('Example 5: a one-element array on the unqualified path becomes the element, and applies', () => {
    const { body, fired } = run(fixture('entra-set-manager-example5'));
    assert.equal(fired, true);
    assert.deepEqual(apply(body).document[ENTERPRISE], {
      manager: { $ref: 'http://.../scim/Users/00aa00aa-bb11-cc22-dd33-44ee44ee44ee', value: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee' },
    });
  });

  it('E10 PATCH: a bare id on the URN path becomes {value}', () => {
    const { body, fired } = run(fixture('entra-manager-string-patch'));
    assert.equal(fired, true);
    const result = apply(body);
    assert.deepEqual(result.document[ENTERPRISE], { manager: { value: '2c2f…' } });
    assert.deepEqual(result.changedPaths, [`${ENTERPRISE}:manager.value`]);
  });

  it('an empty string means "no manager"; bare ids inside no-path values are reshaped too', () => {
    const { body } = run(
      patchOf(
        { op: 'replace', path: 'manager', value: '' },
        { op: 'add', value: { manager: 'm1' } },
        { op: 'add', value: { [ENTERPRISE]: { manager: ['m2'] } } },
        { op: 'add', path: ENTERPRISE, value: { Manager: 'm3' } },
      ),
    );
    assert.deepEqual(
      ((body as JsonObject)['Operations'] as JsonObject[]).map((o) => o['value']),
      [null, { manager: { value: 'm1' } }, { [ENTERPRISE]: { manager: { value: 'm2' } } }, { Manager: { value: 'm3' } }],
    );
    assert.deepEqual(apply(body, { userName: 'u', [ENTERPRISE]: { manager: { value: 'old' } } }).document[ENTERPRISE], { manager: { value: 'm3' } });
  });

  it('does not fire on RFC shapes, ambiguous arrays or sub-attribute paths', () => {
    const body = patchOf(
      { op: 'add', path: 'manager', value: { value: 'm' } },
      { op: 'add', path: 'manager', value: [{ value: 'a' }, { value: 'b' }] },
      { op: 'replace', path: 'manager.value', value: 'm' },
      { op: 'replace', path: 'displayName', value: 'manager' },
    );
    assert.deepEqual(run(body), { body, fired: false });
  });

  it('E10 POST: a top-level manager string moves into the enterprise extension', () => {
    const { body, fired } = run(fixture('entra-manager-string-post'), 'resource');
    assert.equal(fired, true);
    assert.equal('manager' in (body as JsonObject), false);
    assert.deepEqual((body as JsonObject)[ENTERPRISE], { manager: { value: 'myuser' } });
    assert.deepEqual(apply(patchOf({ op: 'add', value: body }), {}).document[ENTERPRISE], { manager: { value: 'myuser' } });
  });

  it('Example 2 POST: manager null moves too, and the extension URN is listed in schemas', () => {
    const { body, fired } = run(fixture('entra-create-user-example2'), 'resource');
    assert.equal(fired, true);
    const out = body as JsonObject;
    assert.deepEqual(out[ENTERPRISE], { manager: null });
    assert.ok((out['schemas'] as string[]).includes(ENTERPRISE));
    const created = apply(patchOf({ op: 'add', value: out }), {});
    assert.deepEqual(Object.keys(created.document).sort(), ['active', 'displayName', 'emails', 'externalId', 'name', 'userName']);
  });

  it('inside the extension object of a POST body; never for groups', () => {
    const post = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'u', [ENTERPRISE]: { manager: 'boss' } };
    assert.deepEqual((run(post, 'resource').body as JsonObject)[ENTERPRISE], { manager: { value: 'boss' } });
    assert.equal(managerShapes.applies('resource', 'Group'), false);
  });
});
