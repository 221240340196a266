import { isJsonObject, type JsonObject } from '../json/json-value.js';
import type { TenantSnapshot } from '../events/tenant-snapshot.js';
import type { TenantSettings } from '../provisioning/tenants/tenant-settings.js';
import { valueFlags } from '../provisioning/users/validate-person.js';
import type { FolderRecord, GroupRecord, MemberCount, MemberRecord, StoredUser, UserGroupRecord } from '../storage/store.js';
import type { HostFolderView, HostGroupView, HostPersonView, MembershipsView, MemberView, SnapshotView } from './host-view-schemas.js';

/** How the host API renders Roster's records: plain JSON, ISO times, no SCIM envelope (shapes in host-view-schemas.ts). */
const iso = (ms: number) => new Date(ms).toISOString();

function workEmail(document: JsonObject): string | null {
  const emails = document['emails'];
  if (!Array.isArray(emails)) return null;
  const work = emails.find((e) => isJsonObject(e) && typeof e['type'] === 'string' && e['type'].toLowerCase() === 'work');
  const value = isJsonObject(work) ? work['value'] : undefined;
  return typeof value === 'string' ? value : null;
}

/** A person; `valueFlags` are derived from the stored values and the tenant's current settings. */
export function personView(user: StoredUser, settings: TenantSettings): HostPersonView {
  const displayName = user.document['displayName'];
  return {
    id: user.id,
    userName: user.userName,
    externalId: user.externalId,
    displayName: typeof displayName === 'string' ? displayName : null,
    email: workEmail(user.document),
    active: user.active,
    source: user.source,
    managerId: user.managerId,
    incomplete: user.missing.length > 0,
    missing: [...user.missing],
    valueFlags: valueFlags(user.document, settings).map((f) => ({ ...f })),
    version: user.version,
    created: iso(user.createdMs),
    lastModified: iso(user.modifiedMs),
    attributes: user.document,
  };
}

export function groupView(group: GroupRecord): HostGroupView {
  return {
    id: group.id,
    displayName: group.displayName,
    externalId: group.externalId,
    version: group.version,
    created: iso(group.createdMs),
    lastModified: iso(group.modifiedMs),
  };
}

/** A folder; with its member count when the caller read one (lists and the folder itself, not the snapshot). */
export function folderView(folder: FolderRecord, memberCount?: MemberCount): HostFolderView {
  return {
    id: folder.id,
    kind: folder.kind,
    value: folder.value,
    created: iso(folder.createdMs),
    ...(memberCount ? { memberCount: memberCount.count, memberCountExact: memberCount.exact } : {}),
  };
}

/** A person's pushed groups and attribute folders, as one answer. */
export function membershipsView(groups: readonly UserGroupRecord[], folders: readonly FolderRecord[]): MembershipsView {
  return {
    groups: groups.map((g) => ({ id: g.groupId, displayName: g.displayName })),
    folders: folders.map((f) => ({ id: f.id, kind: f.kind, value: f.value })),
  };
}

export function memberView(member: MemberRecord): MemberView {
  return { id: member.id, type: member.type, display: member.display };
}

export function snapshotView(tenant: { id: string; slug: string }, settings: TenantSettings, snapshot: TenantSnapshot): SnapshotView {
  return {
    tenant: { id: tenant.id, slug: tenant.slug },
    seq: snapshot.seq,
    people: snapshot.people.map((p) => personView(p, settings)),
    groups: snapshot.groups.map(({ group, members }) => ({ ...groupView(group), members: members.map(memberView) })),
    folders: snapshot.folders.map(({ folder, memberIds }) => ({ ...folderView(folder), members: [...memberIds] })),
  };
}

/** Opaque cursors for list pages (the id of the last row seen). */
export const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');
export const decodeCursor = (cursor: string): string => Buffer.from(cursor, 'base64url').toString('utf8');
