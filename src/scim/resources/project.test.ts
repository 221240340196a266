import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../json/json-value.js';
import { attr } from '../schemas/attribute.js';
import { coreUserSchema } from '../schemas/core-user.js';
import { enterpriseUserSchema } from '../schemas/enterprise-user.js';
import { groupResourceSchema, userResourceSchema, type ResourceSchema } from '../schemas/registry.js';
import { URN } from '../schemas/urns.js';
import { parseAttributeList, project, wantsAttribute, type ProjectionLeniency } from './project.js';

const ENT = URN.enterpriseUser;
const users = userResourceSchema();

/** The core schema plus one `returned: request` attribute, which RFC 7643 has none of. */
const withRequestOnly: ResourceSchema = {
  ...users,
  core: {
    ...coreUserSchema,
    attributes: [...coreUserSchema.attributes, attr('auditTrail', 'string', 'Only on request.', { returned: 'request' })],
  },
};

const user: JsonObject = {
  schemas: [URN.user, ENT],
  id: 'u1',
  userName: 'jyoung',
  name: { givenName: 'Joy', familyName: 'Young' },
  emails: [
    { value: 'j@work.example', type: 'work', primary: true },
    { value: 'j@home.example', type: 'home' },
  ],
  password: 'should never show',
  auditTrail: 'secret-ish',
  [ENT]: { department: 'Sales', manager: { value: 'm1' } },
  meta: { resourceType: 'User', version: 'W/"1"' },
};

const list = (param: string, schema: ResourceSchema = users) => parseAttributeList(param, schema);

describe('parseAttributeList', () => {
  it('is undefined when absent or blank', () => {
    assert.equal(parseAttributeList(undefined, users), undefined);
    assert.equal(parseAttributeList('  ', users), undefined);
  });

  it('resolves names case-insensitively, with whitespace and sub-attributes', () => {
    assert.deepEqual(list(' USERNAME , name.GIVENNAME,emails'), [{ attribute: 'userName' }, { attribute: 'name', subAttribute: 'givenName' }, { attribute: 'emails' }]);
  });

  it('resolves URN-qualified names, a bare extension URN and bare extension names', () => {
    assert.deepEqual(list(`${ENT}:department,${ENT.toLowerCase()},manager.value,${URN.user}:userName`), [
      { extension: ENT, attribute: 'department' },
      { extension: ENT },
      { extension: ENT, attribute: 'manager', subAttribute: 'value' },
      { attribute: 'userName' },
    ]);
  });

  it('drops unknown names and reports them', () => {
    const leniencies: ProjectionLeniency[] = [];
    assert.deepEqual(parseAttributeList('userName,favouriteColour', users, leniencies), [{ attribute: 'userName' }]);
    assert.deepEqual(leniencies, [{ kind: 'unknownAttributeIgnored', entry: 'favouriteColour' }]);
    assert.deepEqual(list('nope'), []);
  });

  it("reads Microsoft's value-filtered names as the attribute before the bracket, and says so", () => {
    const leniencies: ProjectionLeniency[] = [];
    const parsed = parseAttributeList('emails[type eq "work"],emails[value eq "a,b"].value,userName', users, leniencies);
    assert.deepEqual(parsed, [{ attribute: 'emails' }, { attribute: 'emails', subAttribute: 'value' }, { attribute: 'userName' }]);
    assert.deepEqual(
      leniencies.map((l) => l.kind),
      ['valueFilterIgnored', 'valueFilterIgnored'],
    );
  });
});

describe('project', () => {
  const run = (projection: { attributes?: string; excludedAttributes?: string }, schema: ResourceSchema = withRequestOnly) =>
    project(schema, user, {
      attributes: parseAttributeList(projection.attributes, schema),
      excludedAttributes: parseAttributeList(projection.excludedAttributes, schema),
    });

  it('by default: everything except returned:never and returned:request', () => {
    const out = run({});
    assert.equal('password' in out, false);
    assert.equal('auditTrail' in out, false);
    assert.deepEqual(Object.keys(out), ['schemas', 'id', 'userName', 'name', 'emails', ENT, 'meta']);
  });

  it('attributes: only those asked for, plus id and schemas', () => {
    assert.deepEqual(run({ attributes: 'userName' }), { schemas: [URN.user, ENT], id: 'u1', userName: 'jyoung' });
  });

  it('attributes: returned:request appears when asked; returned:never never does', () => {
    const out = run({ attributes: 'auditTrail,password' });
    assert.deepEqual(out, { schemas: [URN.user, ENT], id: 'u1', auditTrail: 'secret-ish' });
  });

  it('attributes: sub-attributes of single- and multi-valued complex attributes', () => {
    const out = run({ attributes: 'name.givenName,emails.value' });
    assert.deepEqual(out['name'], { givenName: 'Joy' });
    assert.deepEqual(out['emails'], [{ value: 'j@work.example' }, { value: 'j@home.example' }]);
  });

  it('attributes: URN-qualified attribute and whole extension', () => {
    assert.deepEqual(run({ attributes: `${ENT}:department` })[ENT], { department: 'Sales' });
    assert.deepEqual(run({ attributes: ENT })[ENT], { department: 'Sales', manager: { value: 'm1' } });
  });

  it('excludedAttributes removes attributes, sub-attributes and extensions, never id or schemas', () => {
    const out = run({ excludedAttributes: `emails,name.familyName,id,schemas,${ENT}:manager,meta` });
    assert.deepEqual(out, {
      schemas: [URN.user, ENT],
      id: 'u1',
      userName: 'jyoung',
      name: { givenName: 'Joy' },
      [ENT]: { department: 'Sales' },
    });
    assert.equal(ENT in run({ excludedAttributes: ENT }), false);
  });

  it('both lists: attributes select, then excludedAttributes remove', () => {
    assert.deepEqual(run({ attributes: 'userName,emails', excludedAttributes: 'emails.type' })['emails'], [
      { value: 'j@work.example', primary: true },
      { value: 'j@home.example' },
    ]);
  });

  it('excludedAttributes=members on a group', () => {
    const group: JsonObject = { schemas: [URN.group], id: 'g1', displayName: 'G', members: [{ value: 'u1' }] };
    const out = project(groupResourceSchema, group, { excludedAttributes: parseAttributeList('members', groupResourceSchema) });
    assert.deepEqual(out, { schemas: [URN.group], id: 'g1', displayName: 'G' });
  });
});

describe('wantsAttribute', () => {
  const projection = (attributes?: string, excludedAttributes?: string) => ({
    attributes: parseAttributeList(attributes, groupResourceSchema),
    excludedAttributes: parseAttributeList(excludedAttributes, groupResourceSchema),
  });

  it('members are wanted by default and when listed', () => {
    assert.equal(wantsAttribute(projection(), 'members'), true);
    assert.equal(wantsAttribute(projection('displayName,members.value'), 'members'), true);
  });

  it('members are not wanted when excluded or not listed', () => {
    assert.equal(wantsAttribute(projection(undefined, 'members'), 'members'), false);
    assert.equal(wantsAttribute(projection('displayName'), 'members'), false);
    assert.equal(wantsAttribute(projection(undefined, 'members.display'), 'members'), true);
  });

  it('extension attributes, including a whole-extension request', () => {
    const userProjection = { attributes: parseAttributeList(ENT, userResourceSchema([enterpriseUserSchema])) };
    assert.equal(wantsAttribute(userProjection, 'manager', ENT), true);
    assert.equal(wantsAttribute(userProjection, 'userName'), false);
  });
});
