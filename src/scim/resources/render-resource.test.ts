import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { URN } from '../schemas/urns.js';
import { renderGroup, renderUser } from './render-resource.js';

const ENT = URN.enterpriseUser;
const created = new Date('2026-01-02T03:04:05.000Z');
const lastModified = new Date('2026-02-03T04:05:06.789Z');

describe('renderUser', () => {
  it('renders schemas, id, attributes, extensions and meta with a weak ETag', () => {
    const user = renderUser({
      id: 'u1',
      document: { userName: 'jyoung', active: true, [ENT]: { department: 'Sales' }, [URN.rosterUser]: {} },
      created,
      lastModified,
      version: 3,
      location: 'https://roster.example/scim/v2/Users/u1',
      extensionUrns: [ENT, URN.rosterUser],
      groups: [{ value: 'g1', display: 'Admins', type: 'direct' }],
    });
    assert.deepEqual(user, {
      schemas: [URN.user, ENT],
      id: 'u1',
      userName: 'jyoung',
      active: true,
      groups: [{ value: 'g1', display: 'Admins', type: 'direct' }],
      [ENT]: { department: 'Sales' },
      meta: {
        resourceType: 'User',
        created: '2026-01-02T03:04:05.000Z',
        lastModified: '2026-02-03T04:05:06.789Z',
        location: 'https://roster.example/scim/v2/Users/u1',
        version: 'W/"3"',
      },
    });
  });

  it('leaves out groups when not given, and extension data the tenant no longer has', () => {
    const user = renderUser({
      id: 'u1',
      document: { userName: 'u', 'urn:example:gone:2.0:User': { x: 1 }, password: 'never' },
      created,
      lastModified,
      version: 1,
      location: '/Users/u1',
      extensionUrns: [ENT],
    });
    assert.deepEqual(Object.keys(user), ['schemas', 'id', 'userName', 'meta']);
    assert.deepEqual(user['schemas'], [URN.user]);
  });
});

describe('renderGroup', () => {
  const base = { id: 'g1', document: { displayName: 'Admins', externalId: 'e1' }, created, lastModified, version: 7, location: '/Groups/g1' };

  it('renders members only with the keys that are set', () => {
    const group = renderGroup({ ...base, members: [{ value: 'u1', display: 'jyoung', type: 'User', $ref: '/Users/u1' }, { value: 'u2' }] });
    assert.deepEqual(group['members'], [{ value: 'u1', display: 'jyoung', type: 'User', $ref: '/Users/u1' }, { value: 'u2' }]);
    assert.deepEqual(group['schemas'], [URN.group]);
    assert.equal((group['meta'] as { version: string }).version, 'W/"7"');
  });

  it('has no members key when members were not loaded, and [] when there are none', () => {
    assert.equal('members' in renderGroup(base), false);
    assert.deepEqual(renderGroup({ ...base, members: [] })['members'], []);
  });
});
