// The RFC 7644 §3.5.2 examples that target a User document, replayed through parse + apply.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { ScimError } from '../errors.js';
import { enterpriseUserSchema } from '../schemas/enterprise-user.js';
import { userResourceSchema } from '../schemas/registry.js';
import { rosterUserSchema } from '../schemas/roster-user.js';
import { applyPatch } from './apply-user-patch.js';
import { parsePatchRequest } from './patch-request.js';

const schema = userResourceSchema();
const message = (...Operations: JsonValue[]): JsonValue => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
const patch = (doc: JsonObject, ...ops: JsonValue[]) => applyPatch(schema, doc, parsePatchRequest(message(...ops)));

/** Barbara Jensen, shaped like RFC 7643 §8.2, as a canonical stored document. */
function bjensen(): JsonObject {
  return {
    userName: 'bjensen@example.com',
    externalId: '701984',
    name: { familyName: 'Jensen', givenName: 'Barbara' },
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    addresses: [
      { type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'USA', primary: true },
      { type: 'home', streetAddress: '456 Hollywood Blvd', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'USA' },
    ],
  };
}

describe('RFC 7644 §3.5.2.1 add', () => {
  it('adds with no path: the value object is merged, keys resolved case-insensitively', () => {
    const result = patch(bjensen(), {
      op: 'add',
      value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickname: 'Babs' },
    });
    // The home email is already there (§3.5.2.1: no change SHOULD be made); nickname → nickName.
    assert.equal(result.document['nickName'], 'Babs');
    assert.deepEqual(result.document['emails'], bjensen()['emails']);
    assert.deepEqual(result.changedPaths, ['nickName']);
  });

  it('appends a new value to a multi-valued attribute', () => {
    const result = patch(bjensen(), { op: 'add', path: 'emails', value: [{ value: 'b@example.org', type: 'other' }] });
    assert.equal((result.document['emails'] as JsonValue[]).length, 3);
    assert.deepEqual(result.changedPaths, ['emails']);
  });

  it('adds a primary value and clears primary on the others (§3.5.2)', () => {
    const result = patch(bjensen(), { op: 'add', path: 'emails', value: [{ value: 'new@example.com', type: 'work', primary: true }] });
    const emails = result.document['emails'] as JsonObject[];
    assert.deepEqual(
      emails.map((e) => e['primary']),
      [false, undefined, true],
    );
  });
});

describe('RFC 7644 §3.5.2.2 remove', () => {
  it('removes the values a complex filter selects', () => {
    const result = patch(bjensen(), { op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' });
    assert.deepEqual(result.document['emails'], [{ value: 'babs@jensen.org', type: 'home' }]);
  });

  it('removes a sub-attribute of the values a filter selects', () => {
    const result = patch(bjensen(), { op: 'remove', path: 'addresses[type eq "work"].streetAddress' });
    const work = (result.document['addresses'] as JsonObject[])[0];
    assert.equal(work?.['streetAddress'], undefined);
    assert.equal(work?.['locality'], 'Hollywood');
    assert.deepEqual(result.changedPaths, ['addresses']);
  });

  it('removes a whole multi-valued attribute, a single value and a sub-attribute', () => {
    const result = patch(bjensen(), { op: 'remove', path: 'emails' }, { op: 'remove', path: 'externalId' }, { op: 'remove', path: 'name.givenName' });
    assert.deepEqual(result.document, {
      userName: 'bjensen@example.com',
      name: { familyName: 'Jensen' },
      addresses: bjensen()['addresses'] as JsonValue,
    });
    assert.deepEqual(result.changedPaths, ['externalId', 'name.givenName', 'emails']);
  });

  it('removing the last value leaves the attribute unassigned', () => {
    const result = patch(bjensen(), { op: 'remove', path: 'emails[value co "@"]' });
    assert.equal('emails' in result.document, false);
  });

  it('a remove filter that matches nothing is a no-op', () => {
    const result = patch(bjensen(), { op: 'remove', path: 'emails[type eq "other"]' });
    assert.deepEqual(result.document, bjensen());
    assert.deepEqual(result.changedPaths, []);
  });
});

describe('RFC 7644 §3.5.2.3 replace', () => {
  it('replaces the element a filter path selects', () => {
    const work = {
      type: 'work',
      streetAddress: '911 Universal City Plaza',
      locality: 'Hollywood',
      region: 'CA',
      postalCode: '91608',
      country: 'US',
      formatted: '911 Universal City Plaza\nHollywood, CA 91608 US',
      primary: true,
    };
    const result = patch(bjensen(), { op: 'replace', path: 'addresses[type eq "work"]', value: work });
    assert.deepEqual((result.document['addresses'] as JsonValue[])[0], work);
    assert.deepEqual((result.document['addresses'] as JsonValue[])[1], (bjensen()['addresses'] as JsonValue[])[1]);
  });

  it('replaces a sub-attribute of the element a filter path selects', () => {
    const result = patch(bjensen(), { op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' });
    const addresses = result.document['addresses'] as JsonObject[];
    assert.equal(addresses[0]?.['streetAddress'], '1010 Broadway Ave');
    assert.equal(addresses[1]?.['streetAddress'], '456 Hollywood Blvd');
  });

  it('replaces with no path: listed attributes replaced, lists replaced whole', () => {
    const result = patch(bjensen(), {
      op: 'replace',
      value: {
        emails: [
          { value: 'bjensen@example.com', type: 'work', primary: true },
          { value: 'babs@jensen.org', type: 'home' },
        ],
        nickname: 'Babs',
      },
    });
    assert.equal(result.document['nickName'], 'Babs');
    assert.deepEqual(result.changedPaths, ['nickName']);
  });

  it('replacing a multi-valued attribute replaces the whole list', () => {
    const result = patch(bjensen(), { op: 'replace', path: 'emails', value: [{ value: 'only@example.com' }] });
    assert.deepEqual(result.document['emails'], [{ value: 'only@example.com' }]);
  });

  it('replacing a complex attribute keeps the sub-attributes it does not name', () => {
    const result = patch(bjensen(), { op: 'replace', path: 'name', value: { givenName: 'Babs', middleName: 'Jane' } });
    assert.deepEqual(result.document['name'], { familyName: 'Jensen', givenName: 'Babs', middleName: 'Jane' });
    assert.deepEqual(result.changedPaths, ['name.givenName', 'name.middleName']);
  });

  it('replacing an unassigned attribute adds it, and a null value unassigns', () => {
    const result = patch(bjensen(), { op: 'replace', path: 'title', value: 'Tour Guide' }, { op: 'replace', path: 'externalId', value: null });
    assert.equal(result.document['title'], 'Tour Guide');
    assert.equal('externalId' in result.document, false);
  });

  it('an extension attribute lands inside the URN-keyed object, and a bare URN path merges into it', () => {
    const urn = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const result = patch(bjensen(), { op: 'replace', path: `${urn}:department`, value: 'Tour' }, { op: 'add', path: urn, value: { costCenter: '4130' } });
    assert.deepEqual(result.document[urn], { department: 'Tour', costCenter: '4130' });
    assert.deepEqual(result.changedPaths, [`${urn}:costCenter`, `${urn}:department`]);
    const removed = patch(result.document, { op: 'remove', path: urn });
    assert.equal(urn in removed.document, false);
  });
});

describe('RFC 7644 §3.5.2: a path naming a whole extension schema', () => {
  const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  const roster = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
  const withRoster = userResourceSchema([enterpriseUserSchema, rosterUserSchema(roster)]);
  const patchBoth = (doc: JsonObject, ...ops: JsonValue[]) => applyPatch(withRoster, doc, parsePatchRequest(message(...ops)));

  for (const op of ['add', 'replace']) {
    it(`${op}s the extension's attributes from an object that also carries the extension's own "schemas"`, () => {
      const result = patchBoth(bjensen(), {
        op,
        path: enterprise,
        value: { schemas: [enterprise], department: 'Tour', manager: { value: 'm-1' } },
      });
      assert.deepEqual(result.document[enterprise], { department: 'Tour', manager: { value: 'm-1' } });
      const custom = patchBoth(bjensen(), { op, path: roster.toUpperCase(), value: { schemas: roster, office: 'London', hireDate: '2024-01-31' } });
      assert.deepEqual(custom.document[roster], { office: 'London', hireDate: '2024-01-31' });
      assert.deepEqual([...custom.changedPaths].sort(), [`${roster}:hireDate`, `${roster}:office`]);
    });
  }

  it('refuses a "schemas" inside the value that names another schema, with 400 invalidValue', () => {
    for (const schemas of [['urn:ietf:params:scim:schemas:core:2.0:User'], [enterprise, roster], [], 'urn:x', 5]) {
      assert.throws(
        () => patchBoth(bjensen(), { op: 'replace', path: enterprise, value: { schemas, department: 'Tour' } }),
        (error: unknown) => error instanceof ScimError && error.status === 400 && error.scimType === 'invalidValue',
        JSON.stringify(schemas),
      );
    }
  });

  it('removes the whole extension object of either extension', () => {
    const start = { ...bjensen(), [enterprise]: { department: 'Tour' }, [roster]: { office: 'London' } };
    const result = patchBoth(start, { op: 'remove', path: enterprise }, { op: 'remove', path: roster });
    assert.equal(enterprise in result.document, false);
    assert.equal(roster in result.document, false);
    assert.deepEqual(result.changedPaths, [`${enterprise}:department`, `${roster}:office`]);
  });
});
