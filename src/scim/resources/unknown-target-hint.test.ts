import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enterpriseUserSchema } from '../schemas/enterprise-user.js';
import { userResourceSchema } from '../schemas/registry.js';
import { rosterUserSchema } from '../schemas/roster-user.js';
import { URN } from '../schemas/urns.js';
import { describeIgnored } from './ignored-attribute.js';
import { unknownTargetHint } from './unknown-target-hint.js';

const TENANT = 'urn:example:acme:scim:2.0:User';
const OTHER = 'urn:ietf:params:scim:schemas:extension:cybsafe:2.0:User';
const schema = userResourceSchema([enterpriseUserSchema, rosterUserSchema(TENANT)]);

describe('unknownTargetHint: what a PATCH refusal adds', () => {
  it("another product's extension object names the tenant's extension and the attributes that match", () => {
    assert.equal(
      unknownTargetHint(schema, OTHER, { grade: 'B', office: 'Leeds', shoeSize: 9 }),
      ` This is an unknown schema "${OTHER}"; its attributes "grade", "office" are attributes of "${TENANT}"; did you mean that URN?`,
    );
  });

  it('a name under an unknown URN, a misspelt bare name, and nothing close', () => {
    assert.equal(unknownTargetHint(schema, `${OTHER}:hireDate`, '2020-01-01'), ` Did you mean "${TENANT}:hireDate"?`);
    assert.equal(unknownTargetHint(schema, 'displayNme', 'x'), ' Did you mean "displayName"?');
    assert.equal(unknownTargetHint(schema, 'favouriteColour', 'teal'), '');
    assert.equal(unknownTargetHint(schema, OTHER, { shoeSize: 9 }), '');
  });
});

describe('describeIgnored', () => {
  it('words the two new notes as the log and errors show them', () => {
    assert.equal(
      describeIgnored({ path: 'Department', reason: 'notCoreAttribute', suggestion: `${URN.enterpriseUser}:department` }),
      `"Department" is not a core User attribute; did you mean "${URN.enterpriseUser}:department"?`,
    );
    assert.equal(describeIgnored({ path: OTHER, reason: 'unknownSchema' }), `unknown schema "${OTHER}".`);
  });
});
