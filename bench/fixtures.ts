/** Request bodies shaped like Okta's, shared by the HTTP scenarios and the raw-driver limits. */

export const SCIM_HEADERS = {
  'content-type': 'application/scim+json; charset=utf-8',
  accept: 'application/scim+json',
} as const;

const GIVEN = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Leslie'];
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Lamport'];

/** A userName unique within a run: `<prefix>.<index>@example.com`. */
export function benchUserName(prefix: string, index: number): string {
  return `${prefix}.${String(index).padStart(6, '0')}@example.com`;
}

/** The POST /Users body Okta sends (userName, name, a primary work email, displayName, active, externalId). */
export function oktaUser(prefix: string, index: number): Record<string, unknown> {
  const userName = benchUserName(prefix, index);
  const givenName = GIVEN[index % GIVEN.length] ?? 'Ada';
  const familyName = FAMILY[Math.floor(index / GIVEN.length) % FAMILY.length] ?? 'Lovelace';
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    name: { givenName, familyName },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `${givenName} ${familyName}`,
    active: true,
    externalId: `00u${prefix.replace(/[^a-z0-9]/gi, '')}${String(index).padStart(8, '0')}`,
  };
}

/** The PATCH body adding these ids to a group's members. */
export function addMembersPatch(ids: readonly string[]): string {
  return JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }],
  });
}

/** A fixed permutation of [0, n) (multiplicative stride), so lookups do not walk the index in order. */
export function scatter(i: number, n: number): number {
  const stride = 7919; // prime: a permutation of [0, n) for every n that is not a multiple of it
  return n % stride === 0 ? i % n : (i * stride) % n;
}
