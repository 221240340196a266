/**
 * Scale scenario 1: an initial sync pushed the way Okta pushes it, with 8 clients: for each person
 * an existence check (GET /Users?filter=userName eq …, expecting none) then POST /Users; then for
 * each group the same check and POST /Groups; then the memberships as PATCHes adding members in
 * batches. People are spread so that each is in two groups.
 */
import { oktaUser } from '../fixtures.js';
import type { ServerHandle } from '../scenarios.js';
import { boundedLoop, createdId, filterParam, KindRecorder, ScimSession, status, totalResults, type KindResult } from './session.js';
import type { ScaleSettings } from './settings.js';

export interface InitialSyncResult {
  readonly users: number;
  readonly groups: number;
  readonly usersCreated: number;
  readonly groupsCreated: number;
  readonly memberPatches: number;
  readonly memberships: number;
  readonly totalMs: number;
  readonly phasesMs: { readonly users: number; readonly groups: number; readonly members: number };
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** People created ÷ the wall time of the people phase (existence check + create each). */
  readonly usersPerSecond: number;
  readonly kinds: Readonly<Record<string, KindResult>>;
  /** False when a phase hit its time bound before it was done. */
  readonly complete: boolean;
  /** Read-back checks after the sync (people listed, members of a few groups). */
  readonly verification: readonly string[];
}

const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The two groups of person `i` among `groups`: always two different ones, spread evenly. */
export function groupsOf(i: number, groups: number): [number, number] {
  const first = i % groups;
  const second = (first + 1 + (Math.floor(i / groups) % Math.max(groups - 1, 1))) % groups;
  return [first, second];
}

const groupName = (g: number) => `Okta Sync Group ${String(g).padStart(5, '0')}`;

export async function initialSync(server: ServerHandle, tenant: string, settings: ScaleSettings): Promise<InitialSyncResult> {
  const s = settings.initialSync;
  const token = server.tokens[tenant];
  if (!token) throw new Error(`no token for ${tenant}`);
  const recorder = new KindRecorder();
  const session = new ScimSession(server.port, token, s.clients, recorder, settings.requestTimeoutMs);
  const userIds: (string | undefined)[] = new Array<string | undefined>(s.users);
  const groupIds: (string | undefined)[] = new Array<string | undefined>(s.groups);
  const started = performance.now();
  try {
    const users = await boundedLoop({ clients: s.clients, maxOps: s.users, maxMs: s.phaseMaxMs.users }, async (i) => {
      const body = oktaUser('sync', i);
      await session.send(
        'user: GET filter userName eq',
        'GET',
        `/Users?${filterParam(`userName eq "${String(body['userName'])}"`)}&startIndex=1&count=100`,
        undefined,
        totalResults(0),
      );
      userIds[i] = createdId(await session.send('user: POST /Users', 'POST', '/Users', body, status(201)));
    });

    const groups = await boundedLoop({ clients: s.clients, maxOps: s.groups, maxMs: s.phaseMaxMs.groups }, async (g) => {
      await session.send(
        'group: GET filter displayName eq',
        'GET',
        `/Groups?${filterParam(`displayName eq "${groupName(g)}"`)}&startIndex=1&count=100`,
        undefined,
        totalResults(0),
      );
      groupIds[g] = createdId(
        await session.send('group: POST /Groups', 'POST', '/Groups', { schemas: [GROUP_URN], displayName: groupName(g), members: [] }, status(201)),
      );
    });

    // Membership batches: each group's people, `memberBatch` per PATCH, as Okta's group push sends them.
    const members: { value: string; display: string }[][] = Array.from({ length: s.groups }, () => []);
    for (let i = 0; i < s.users; i++) {
      const id = userIds[i];
      if (!id) continue;
      for (const g of groupsOf(i, s.groups)) members[g]?.push({ value: id, display: String(oktaUser('sync', i)['userName']) });
    }
    const patches: { group: string; value: { value: string; display: string }[] }[] = [];
    members.forEach((list, g) => {
      const group = groupIds[g];
      if (!group) return;
      for (let at = 0; at < list.length; at += s.memberBatch) patches.push({ group, value: list.slice(at, at + s.memberBatch) });
    });
    const memberPhase = await boundedLoop({ clients: s.clients, maxOps: patches.length, maxMs: s.phaseMaxMs.members }, async (p) => {
      const patch = patches[p];
      if (!patch) return;
      await session.send(
        'members: PATCH add batch',
        'PATCH',
        `/Groups/${patch.group}`,
        { schemas: [PATCH_URN], Operations: [{ op: 'add', path: 'members', value: patch.value }] },
        status(204, 200),
      );
    });
    const totalMs = performance.now() - started;

    const kinds = recorder.results();
    const requests = Object.values(kinds).reduce((n, k) => n + k.count, 0);
    const usersCreated = userIds.filter(Boolean).length;
    const verification = await verifySync(
      server.port,
      token,
      settings,
      usersCreated,
      groupIds,
      members.map((m) => m.length),
    );
    return {
      users: s.users,
      groups: s.groups,
      usersCreated,
      groupsCreated: groupIds.filter(Boolean).length,
      memberPatches: patches.length,
      memberships: members.reduce((n, m) => n + m.length, 0),
      totalMs,
      phasesMs: { users: users.durationMs, groups: groups.durationMs, members: memberPhase.durationMs },
      requests,
      requestsPerSecond: (requests / totalMs) * 1000,
      usersPerSecond: (usersCreated / users.durationMs) * 1000,
      kinds,
      complete: !users.timedOut && !groups.timedOut && !memberPhase.timedOut,
      verification,
    };
  } finally {
    session.close();
  }
}

/** Reads back what the sync should have left: the number of people, and the members of a few groups. */
async function verifySync(
  port: number,
  token: string,
  settings: ScaleSettings,
  usersCreated: number,
  groupIds: readonly (string | undefined)[],
  expectedMembers: readonly number[],
): Promise<string[]> {
  const recorder = new KindRecorder();
  const session = new ScimSession(port, token, 1, recorder, settings.requestTimeoutMs);
  const problems: string[] = [];
  try {
    const listed = await session.send('check', 'GET', '/Users?count=0', undefined, status(200));
    const total = listed ? (JSON.parse(listed.body) as { totalResults?: number }).totalResults : undefined;
    if (total !== usersCreated) problems.push(`initial sync: the tenant lists ${String(total)} people, ${usersCreated} were created`);
    for (const g of [0, Math.floor(groupIds.length / 2), groupIds.length - 1]) {
      const id = groupIds[g];
      if (!id) continue;
      const read = await session.send('check', 'GET', `/Groups/${id}?attributes=members`, undefined, status(200));
      const count = read ? ((JSON.parse(read.body) as { members?: unknown[] }).members ?? []).length : -1;
      if (count !== expectedMembers[g]) problems.push(`initial sync: group ${g} has ${count} members, expected ${String(expectedMembers[g])}`);
    }
  } finally {
    session.close();
  }
  return problems;
}
