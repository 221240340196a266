import { setImmediate as nextTurn } from 'node:timers/promises';
import type { TenantRecord, TenantTable } from '../../storage/store.js';
import { DomainError } from '../errors.js';
import { EVENT_SCHEMA_VERSION } from '../events/event-buffer.js';
import { recordOperatorAction, type Actor } from '../operator/operator-audit.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { PURGE_CHUNK_ROWS } from './delete-tenant.js';

/**
 * What a preview stores, children before parents (as TENANT_PURGE_ORDER has them). The tenant,
 * its credentials, admins, setup links, webhooks, host keys and audit trail are not in it: the IdP
 * keeps its token and pushes again, and the admin who discarded keeps working.
 */
const PREVIEW_TABLES = [
  'group_members',
  'folder_members',
  'duplicate_dismissals',
  'user_emails',
  'pending_references',
  'users',
  'groups',
  'folders',
  'held_changes',
  'request_log',
] as const satisfies readonly TenantTable[];

/** Each person's delete also updates the search index: smaller steps, as in delete-tenant.ts. */
const USERS_CHUNK = 100;

/** The tenant has gone live: what the host is told. */
export interface WentLive {
  /** The `tenant.live` event's seq: every event of the preview came before it and was deleted. */
  readonly snapshotSeq: number;
  readonly snapshot: string;
}

/** The host API's snapshot address of a tenant, under `base` (PUBLIC_URL or the request's origin, with any mount path). */
export function snapshotUrl(base: string, slug: string): string {
  return `${base.replace(/\/+$/, '')}/host/v1/tenants/${encodeURIComponent(slug)}/snapshot`;
}

function notInPreview(tenant: TenantRecord): DomainError {
  return new DomainError('tenantMode', `tenant "${tenant.slug}" is not in preview (it is live)`);
}

/**
 * Presses Go live. One step in storage (Store.goLive): the `tenant.live` event is appended with the
 * next seq, the preview's events before it are deleted, the tenant turns live. From then on webhooks
 * deliver `tenant.live` first and the feed, snapshot and host reads answer; a feed cursor from
 * before it gets 410 and the snapshot.
 */
export async function goLive(rt: ProvisioningRuntime, tenant: TenantRecord, options: { base: string; actor: Actor }): Promise<WentLive> {
  if (tenant.mode !== 'preview') throw notInPreview(tenant);
  const snapshot = snapshotUrl(options.base, tenant.slug);
  const now = rt.now();
  const seq = await rt.store.goLive(
    { tenantId: tenant.id },
    (snapshotSeq) => ({ id: rt.newId(), type: 'tenant.live', occurredMs: now, data: { schemaVersion: EVENT_SCHEMA_VERSION, snapshotSeq, snapshot } }),
    { id: rt.newId(), atMs: now, action: 'tenant.went_live', resourceType: 'Tenant', resourceId: tenant.id },
  );
  // Another admin (or process) pressed it first.
  if (seq === undefined) throw notInPreview(tenant);
  await recordOperatorAction(rt, options.actor, 'tenant.went_live', `${tenant.slug} (${tenant.id})`, { snapshotSeq: seq });
  return { snapshotSeq: seq, snapshot };
}

/** What a discard removed, by table. */
export type DiscardCounts = Record<(typeof PREVIEW_TABLES)[number] | 'events', number>;

/**
 * Discards a preview: deletes the people, groups, folders, memberships, pending references, held
 * changes, provisioning log and events it stored, in bounded steps, keeping the tenant (still in
 * preview), its credentials and admins, so the IdP can push again. Provisioning stays on: a
 * request that lands while the discard runs may leave a row behind (pause the IdP's provisioning
 * first for a clean slate).
 */
export async function discardPreview(rt: ProvisioningRuntime, tenant: TenantRecord, options: { actor: Actor }): Promise<DiscardCounts> {
  if (tenant.mode !== 'preview') throw notInPreview(tenant);
  const removed = Object.fromEntries([...PREVIEW_TABLES, 'events'].map((t) => [t, 0])) as DiscardCounts;
  for (const table of PREVIEW_TABLES) {
    const limit = table === 'users' ? USERS_CHUNK : PURGE_CHUNK_ROWS;
    for (;;) {
      const n = await rt.store.tenants.purgeRows(tenant.id, table, limit);
      removed[table] += n;
      if (n < limit) break;
      await nextTurn();
    }
  }
  const events = await rt.store.read({ tenantId: tenant.id }, async (repos) => (await repos.events.lastSeq()) - (await repos.events.prunedThrough()));
  const cleared = await rt.store.clearPreviewOutbox(
    { tenantId: tenant.id },
    { id: rt.newId(), atMs: rt.now(), action: 'tenant.preview_discarded', resourceType: 'Tenant', resourceId: tenant.id },
  );
  // It went live while the rows were being deleted: what was removed is gone, the events stay.
  if (!cleared) throw notInPreview(tenant);
  removed.events = Math.max(0, events);
  await recordOperatorAction(rt, options.actor, 'tenant.preview_discarded', `${tenant.slug} (${tenant.id})`, { removed: { ...removed } });
  return removed;
}

/**
 * Opens a tenant in preview for a setup link: only a tenant that holds nothing yet, so a tenant
 * already serving its host is never hidden from it. Answers whether the tenant is in preview now.
 */
export async function openInPreview(rt: ProvisioningRuntime, tenant: TenantRecord): Promise<boolean> {
  if (tenant.mode === 'preview') return true;
  return rt.store.tenants.enterPreview(tenant.id);
}
