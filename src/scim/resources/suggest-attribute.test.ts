import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enterpriseUserSchema } from '../schemas/enterprise-user.js';
import { groupResourceSchema, userResourceSchema } from '../schemas/registry.js';
import { URN } from '../schemas/urns.js';
import { editDistance, suggestAttribute, suggestSchema } from './suggest-attribute.js';

const users = userResourceSchema();

describe('editDistance', () => {
  it('counts insertions, case-insensitively, and a swap of neighbours as one edit', () => {
    assert.equal(editDistance('adreses', 'addresses'), 2);
    assert.equal(editDistance('USERNAME', 'userName'), 0);
    assert.equal(editDistance('titel', 'title'), 1);
    assert.equal(editDistance('', 'abc'), 3);
  });
});

describe('suggestAttribute', () => {
  it('spelling: near names only, with a tighter limit for short ones', () => {
    assert.equal(suggestAttribute(users, 'userNme'), 'userName');
    assert.equal(suggestAttribute(users, 'titel'), 'title');
    assert.equal(suggestAttribute(users, 'rols'), 'roles');
    assert.equal(suggestAttribute(users, 'xyz'), undefined);
  });

  it('a bare extension name misspelled points at the qualified name', () => {
    assert.equal(suggestAttribute(users, 'departmnt'), `${URN.enterpriseUser}:department`);
  });

  it('an ambiguous sub-attribute name (`value`, `type`) gets no suggestion', () => {
    assert.equal(suggestAttribute(users, 'value'), undefined);
    assert.equal(suggestAttribute(users, 'type'), undefined);
  });

  it('an extension name inside the wrong place: the core attribute', () => {
    assert.equal(suggestAttribute(users, 'userName', { extension: enterpriseUserSchema }), 'userName');
  });

  it('works for groups', () => {
    assert.equal(suggestAttribute(groupResourceSchema, 'member'), 'members');
    assert.equal(suggestAttribute(groupResourceSchema, 'displayname2'), 'displayName');
  });
});

describe('suggestSchema', () => {
  it('finds a URN within two edits, nothing otherwise', () => {
    assert.equal(suggestSchema(users, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'), URN.enterpriseUser);
    assert.equal(suggestSchema(users, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/User'), undefined);
  });
});
