/**
 * Scale scenario 5: a mixed Okta/Entra workload for a fixed time, 16 clients over 10 tenants that
 * already hold people (seeded) and groups: lookups by userName and externalId, Okta's existence
 * check + create, deactivations and reactivations in both IdPs' shapes, Entra's attribute PATCHes
 * (displayName, path-less dotted keys with string booleans, the enterprise department), group
 * lookups without members, and single-member adds and removes.
 *
 * The mass-change guard (src/provisioning/guard/) is a per-tenant setting, on by default: it holds
 * a deactivation (202) once more than 20% of a tenant's people were deactivated or deleted within
 * 10 minutes. It stays on here — its check is part of a deactivation's cost — and the workload
 * keeps under it instead: each tenant deactivates at most `deactivationBudget` (5%) of its people
 * during the run, and every deactivated person is reactivated later. A 202 would show in the
 * statuses as an unexpected answer.
 */
import { oktaUser } from '../fixtures.js';
import { seededIdentity } from '../seed.js';
import type { ServerHandle } from '../scenarios.js';
import { boundedLoop, createdId, filterParam, KindRecorder, ScimSession, status, totalResults, type KindResult } from './session.js';
import type { ScaleSettings } from './settings.js';
import { seededRandom } from '../../src/testing/seeded-random.js';

const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const DEPARTMENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department';
const DEPARTMENTS = ['Engineering', 'Sales', 'Support', 'Finance', 'Legal', 'Marketing'];

/** A person the workload knows in a tenant. */
interface Person {
  readonly id: string;
  readonly userName: string;
  readonly externalId: string;
}

/** A group of a tenant: the people the workload added (and may remove again). */
interface WorkGroup {
  readonly id: string;
  readonly displayName: string;
  readonly added: string[];
}

/** What the workload knows of one tenant, and its guard budget. */
export interface MixedTenant {
  readonly slug: string;
  readonly people: Person[];
  readonly groups: WorkGroup[];
  /** Active people the workload may deactivate (taken out while inactive). */
  readonly active: Person[];
  readonly inactive: Person[];
  deactivationsLeft: number;
  created: number;
  deactivated: number;
  reactivated: number;
}

export interface MixedResult {
  readonly durationMs: number;
  readonly clients: number;
  readonly tenants: number;
  readonly operations: number;
  readonly requests: number;
  /** Expected answers per second, all kinds together. */
  readonly okPerSecond: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly kinds: Readonly<Record<string, KindResult>>;
  readonly deactivations: number;
  readonly reactivations: number;
}

/**
 * Prepares one tenant: its seeded people [0, count) of `prefix` (ids from the seed), and
 * `settings.mixed.groupsPerTenant` groups with `membersPerGroup` of them each (through the API).
 */
export async function prepareMixedTenant(server: ServerHandle, slug: string, prefix: string, ids: readonly string[], settings: ScaleSettings): Promise<MixedTenant> {
  const m = settings.mixed;
  const token = server.tokens[slug];
  if (!token) throw new Error(`no token for ${slug}`);
  const people = ids.map((id, i) => {
    const who = seededIdentity(prefix, i);
    return { id, userName: who.userName, externalId: who.externalId };
  });
  const recorder = new KindRecorder();
  const session = new ScimSession(server.port, token, 1, recorder, settings.requestTimeoutMs);
  const groups: WorkGroup[] = [];
  try {
    for (let g = 0; g < m.groupsPerTenant; g++) {
      const displayName = `${slug} team ${g}`;
      const members = people.slice((g * m.membersPerGroup) % Math.max(people.length - m.membersPerGroup, 1)).slice(0, m.membersPerGroup);
      const answer = await session.send(
        'setup',
        'POST',
        '/Groups',
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, members: members.map((p) => ({ value: p.id })) },
        status(201),
      );
      const id = createdId(answer);
      if (!id) throw new Error(`creating group ${displayName} answered ${answer?.status ?? 'nothing'}: ${answer?.body.slice(0, 300) ?? ''}`);
      groups.push({ id, displayName, added: [] });
    }
  } finally {
    session.close();
  }
  return {
    slug,
    people,
    groups,
    active: [...people],
    inactive: [],
    deactivationsLeft: Math.floor(people.length * m.deactivationBudget),
    created: 0,
    deactivated: 0,
    reactivated: 0,
  };
}

type Operation = (tenant: MixedTenant, session: ScimSession, n: number, pick: <T>(list: readonly T[]) => T | undefined) => Promise<void>;

const patch = (...operations: Record<string, unknown>[]) => ({ schemas: [PATCH_URN], Operations: operations });

const lookupUserName: Operation = async (t, s, _n, pick) => {
  const who = pick(t.people);
  if (who) await s.send('okta: GET userName eq', 'GET', `/Users?${filterParam(`userName eq "${who.userName}"`)}&startIndex=1&count=100`, undefined, totalResults(1));
};

/** The weighted mix: the first operation is also the fallback when another has nothing to work on. */
const MIX: readonly { readonly weight: number; readonly run: Operation }[] = [
  { weight: 18, run: lookupUserName },
  {
    weight: 10,
    run: async (t, s) => {
      const body = oktaUser(`mixnew${t.slug.replace(/\D/g, '')}`, t.created++);
      await s.send(
        'okta: GET userName eq (absent)',
        'GET',
        `/Users?${filterParam(`userName eq "${String(body['userName'])}"`)}&startIndex=1&count=100`,
        undefined,
        totalResults(0),
      );
      const id = createdId(await s.send('okta: POST /Users', 'POST', '/Users', body, status(201)));
      if (id) {
        const person = { id, userName: String(body['userName']), externalId: String(body['externalId']) };
        t.people.push(person);
        t.active.push(person);
      }
    },
  },
  { weight: 3, run: deactivate('okta: PATCH replace active false', () => patch({ op: 'replace', value: { active: false } })) },
  { weight: 3, run: reactivate('okta: PATCH replace active true', () => patch({ op: 'replace', value: { active: true } })) },
  {
    weight: 3,
    run: deactivate('entra: PATCH path-less "False" + familyName', (n) => patch({ op: 'Replace', value: { active: 'False', 'name.familyName': `Leaver${n}` } })),
  },
  {
    weight: 3,
    run: reactivate('entra: PATCH path-less "True" + familyName', (n) => patch({ op: 'Replace', value: { active: 'True', 'name.familyName': `Returner${n}` } })),
  },
  {
    weight: 10,
    run: async (t, s, n, pick) => {
      const who = pick(t.people);
      if (who)
        await s.send(
          'entra: PATCH Replace displayName',
          'PATCH',
          `/Users/${who.id}`,
          patch({ op: 'Replace', path: 'displayName', value: `Entra Name ${n}` }),
          status(200),
        );
    },
  },
  {
    weight: 8,
    run: async (t, s, n, pick) => {
      const who = pick(t.people);
      if (who)
        await s.send(
          'entra: PATCH enterprise department',
          'PATCH',
          `/Users/${who.id}`,
          patch({ op: 'Replace', path: DEPARTMENT, value: DEPARTMENTS[n % DEPARTMENTS.length] }),
          status(200),
        );
    },
  },
  {
    weight: 15,
    run: async (t, s, _n, pick) => {
      const who = pick(t.people);
      if (who) await s.send('entra: GET externalId eq', 'GET', `/Users?${filterParam(`externalId eq "${who.externalId}"`)}`, undefined, totalResults(1));
    },
  },
  {
    weight: 8,
    run: async (t, s, _n, pick) => {
      const group = pick(t.groups);
      if (group)
        await s.send(
          'entra: GET /Groups displayName eq, no members',
          'GET',
          `/Groups?excludedAttributes=members&${filterParam(`displayName eq "${group.displayName}"`)}`,
          undefined,
          totalResults(1),
        );
    },
  },
  {
    weight: 6,
    run: async (t, s, _n, pick) => {
      const group = pick(t.groups);
      const who = pick(t.people);
      if (!group || !who) return;
      const answer = await s.send(
        'entra: PATCH group add member',
        'PATCH',
        `/Groups/${group.id}`,
        patch({ op: 'Add', path: 'members', value: [{ value: who.id }] }),
        status(204, 200),
      );
      if (answer?.status === 204 || answer?.status === 200) group.added.push(who.id);
    },
  },
  {
    weight: 6,
    run: async (t, s, n, pick) => {
      const group = pick(t.groups.filter((g) => g.added.length > 0));
      const id = group?.added.pop();
      if (!group || !id) return lookupUserName(t, s, n, pick);
      await s.send(
        'entra: PATCH group remove member (value list)',
        'PATCH',
        `/Groups/${group.id}`,
        patch({ op: 'Remove', path: 'members', value: [{ value: id }] }),
        status(204, 200),
      );
    },
  },
];

function deactivate(kind: string, body: (n: number) => unknown): Operation {
  return async (t, s, n, pick) => {
    const who = t.deactivationsLeft > 0 ? pick(t.active) : undefined;
    if (!who) return lookupUserName(t, s, n, pick);
    t.deactivationsLeft--;
    t.active.splice(t.active.indexOf(who), 1);
    const answer = await s.send(kind, 'PATCH', `/Users/${who.id}`, body(n), (a) => a.status === 200 && a.body.includes('"active":false'));
    // Reactivated later whatever the answer (a held change leaves the person active anyway).
    if (answer?.status === 200 && answer.body.includes('"active":false')) {
      t.inactive.push(who);
      t.deactivated++;
    } else t.active.push(who);
  };
}

function reactivate(kind: string, body: (n: number) => unknown): Operation {
  return async (t, s, n, pick) => {
    const who = t.inactive.shift();
    if (!who) return lookupUserName(t, s, n, pick);
    const answer = await s.send(kind, 'PATCH', `/Users/${who.id}`, body(n), (a) => a.status === 200 && a.body.includes('"active":true'));
    if (answer?.status === 200) {
      t.active.push(who);
      t.reactivated++;
    } else t.inactive.push(who);
  };
}

export async function mixedWorkload(server: ServerHandle, tenants: readonly MixedTenant[], settings: ScaleSettings): Promise<MixedResult> {
  const m = settings.mixed;
  const recorder = new KindRecorder();
  // One session per tenant (its token), with as many connections as clients could use at once.
  const sessions = tenants.map((t) => {
    const token = server.tokens[t.slug];
    if (!token) throw new Error(`no token for ${t.slug}`);
    return new ScimSession(server.port, token, m.clients, recorder, settings.requestTimeoutMs);
  });
  const random = seededRandom(20_240_601);
  const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(random() * list.length)];
  const weights = MIX.reduce((sum, op) => sum + op.weight, 0);
  try {
    const run = await boundedLoop({ clients: m.clients, maxOps: m.maxOps, maxMs: m.durationMs }, async (n) => {
      const k = Math.floor(random() * tenants.length);
      const tenant = tenants[k];
      const session = sessions[k];
      if (!tenant || !session) return;
      let draw = random() * weights;
      const op = MIX.find((o) => (draw -= o.weight) < 0) ?? MIX[0];
      await op?.run(tenant, session, n, pick);
    });
    const kinds = recorder.results();
    const statuses: Record<string, number> = {};
    let requests = 0;
    let ok = 0;
    for (const k of Object.values(kinds)) {
      requests += k.count;
      ok += k.ok;
      for (const [code, count] of Object.entries(k.statuses)) statuses[code] = (statuses[code] ?? 0) + count;
    }
    return {
      durationMs: run.durationMs,
      clients: m.clients,
      tenants: tenants.length,
      operations: run.ops,
      requests,
      okPerSecond: (ok / run.durationMs) * 1000,
      statuses,
      kinds,
      deactivations: tenants.reduce((sum, t) => sum + t.deactivated, 0),
      reactivations: tenants.reduce((sum, t) => sum + t.reactivated, 0),
    };
  } finally {
    for (const session of sessions) session.close();
  }
}
