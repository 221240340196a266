/**
 * Scale scenario 3: one group of many members in the large tenant. It is filled by PATCHes adding
 * `batch` members each (timed too: adds to a growing group); then, `reps` times, `batch` more people
 * are added to the full group and removed again (Okta's value-list form of remove), one request at
 * a time; then the group is read without its members and with all of them.
 */
import type { ServerHandle } from '../scenarios.js';
import { KindRecorder, ScimSession, status, type KindResult } from './session.js';
import type { ScaleSettings } from './settings.js';

export interface BigGroupResult {
  readonly members: number;
  readonly batch: number;
  /** By kind: fill, add (measured), remove (measured), summary read, full read. */
  readonly kinds: Readonly<Record<string, KindResult>>;
  /** Size of the full read's body. */
  readonly fullReadBytes: number;
  /** Members the last full read listed (should be `members`). */
  readonly fullReadMembers: number;
  readonly verified: boolean;
}

export const BIG_GROUP_KINDS = {
  fill: 'fill: PATCH add (growing group)',
  add: 'PATCH add to full group',
  remove: 'PATCH remove (value list)',
  summary: 'GET ?excludedAttributes=members',
  full: 'GET with all members',
} as const;

const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patchBody = (op: 'add' | 'remove', ids: readonly string[]) =>
  JSON.stringify({ schemas: [PATCH_URN], Operations: [{ op, path: 'members', value: ids.map((value) => ({ value })) }] });

/** `memberIds` fill the group; `extraIds` (`batch` people not in it) are added and removed in the reps. */
export async function bigGroup(
  server: ServerHandle,
  tenant: string,
  memberIds: readonly string[],
  extraIds: readonly string[],
  settings: ScaleSettings,
): Promise<BigGroupResult> {
  const g = settings.bigGroup;
  const token = server.tokens[tenant];
  if (!token) throw new Error(`no token for ${tenant}`);
  const recorder = new KindRecorder();
  const session = new ScimSession(server.port, token, 1, recorder, settings.requestTimeoutMs);
  try {
    const created = await session.send(
      'create group',
      'POST',
      '/Groups',
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'All Employees (bench)' },
      status(201),
    );
    if (created?.status !== 201) throw new Error(`creating the big group answered ${created?.status ?? 'nothing'}: ${created?.body.slice(0, 300) ?? ''}`);
    const groupId = (JSON.parse(created.body) as { id: string }).id;
    const path = `/Groups/${groupId}`;

    for (let at = 0; at < memberIds.length; at += g.batch) {
      await session.send(BIG_GROUP_KINDS.fill, 'PATCH', path, patchBody('add', memberIds.slice(at, at + g.batch)), status(204, 200));
    }
    const addBody = patchBody('add', extraIds);
    const removeBody = patchBody('remove', extraIds);
    for (let rep = 0; rep < g.warmups + g.reps; rep++) {
      const measured = rep >= g.warmups;
      await session.send(measured ? BIG_GROUP_KINDS.add : 'warm-up add', 'PATCH', path, addBody, status(204, 200));
      await session.send(measured ? BIG_GROUP_KINDS.remove : 'warm-up remove', 'PATCH', path, removeBody, status(204, 200));
    }
    for (let i = 0; i < g.summaryReads; i++) {
      await session.send(BIG_GROUP_KINDS.summary, 'GET', `${path}?excludedAttributes=members`, undefined, (a) => a.status === 200 && !a.body.includes('"members"'));
    }
    let fullReadBytes = 0;
    let fullReadMembers = -1;
    for (let i = 0; i < g.fullReads; i++) {
      const answer = await session.send(BIG_GROUP_KINDS.full, 'GET', path, undefined, status(200));
      if (answer?.status === 200) {
        fullReadBytes = Buffer.byteLength(answer.body);
        fullReadMembers = ((JSON.parse(answer.body) as { members?: unknown[] }).members ?? []).length;
      }
    }
    const kinds = recorder.results();
    const verified = fullReadMembers === memberIds.length && Object.values(kinds).every((k) => k.ok === k.count);
    return { members: memberIds.length, batch: extraIds.length, kinds, fullReadBytes, fullReadMembers, verified };
  } finally {
    session.close();
  }
}
