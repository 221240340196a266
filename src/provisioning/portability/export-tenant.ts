import type { CursorPosition } from '../../storage/query.js';
import type { ScopedRepositories } from '../../storage/store.js';
import { findTenantBySlug } from '../tenants/manage-tenants.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportCounts, type ExportHeader, type ExportRecord } from './export-format.js';
import type { ExportSink } from './tenant-file.js';

/** Progress of a long export or import: which kind of record, how many of how many overall. */
export interface PortabilityProgress {
  readonly phase: ExportRecord['type'];
  readonly done: number;
  readonly total: number;
}

export interface ExportOptions {
  /** Include credential hashes, so the IdP keeps its token after an import elsewhere. */
  readonly withCredentials?: boolean;
  readonly onProgress?: (progress: PortabilityProgress) => void;
  /** Roster version written into the header. */
  readonly producerVersion: string;
  /** Records read per query (default 500). */
  readonly pageSize?: number;
}

async function countsOf(repos: ScopedRepositories): Promise<Omit<ExportCounts, 'credentials'>> {
  const first = { page: { kind: 'index' as const, offset: 0, limit: 1 }, count: true };
  const [people, groups, folders, pending] = await Promise.all([repos.users.list(first), repos.groups.list(first), repos.folders.list(), repos.pending.list(1, 0)]);
  return { people: people.total ?? 0, groups: groups.total ?? 0, folders: folders.length, pendingReferences: pending.total };
}

/**
 * Writes one tenant — settings, people (documents, source, manager links), groups with members,
 * folders with members, pending references and the event cursor — from one consistent snapshot.
 * Answers what was written.
 */
export async function exportTenant(rt: ProvisioningRuntime, slug: string, sink: ExportSink, options: ExportOptions): Promise<ExportHeader> {
  const tenant = await findTenantBySlug(rt, slug);
  const credentials = options.withCredentials ? await rt.store.credentials.listForTenant(tenant.id) : [];
  const pageSize = options.pageSize ?? 500;
  return rt.store.snapshot({ tenantId: tenant.id }, async (repos) => {
    const counts = { ...(await countsOf(repos)), credentials: credentials.length };
    const header: ExportHeader = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: new Date(rt.now()).toISOString(),
      producer: { version: options.producerVersion, engine: rt.store.engine },
      tenant: {
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        provisioningEnabled: tenant.provisioningEnabled,
        createdMs: tenant.createdMs,
        settings: tenant.settings,
      },
      eventCursor: { lastSeq: await repos.events.lastSeq() },
      counts,
    };
    await sink.header(header);
    const total = counts.people + counts.groups + counts.folders + counts.pendingReferences + counts.credentials;
    let done = 0;
    const step = async (record: ExportRecord) => {
      await sink.record(record);
      done += 1;
      options.onProgress?.({ phase: record.type, done, total });
    };

    // Names as members would show them, to tell a label the client set from the member's own name.
    const names = new Map<string, string>();
    let after: CursorPosition | undefined;
    do {
      const page = await repos.groups.list({ page: { kind: 'cursor', limit: pageSize, ...(after ? { after } : {}) }, count: false });
      for (const g of page.rows) names.set(g.id, g.displayName);
      after = page.next;
    } while (after);

    after = undefined;
    do {
      const page = await repos.users.list({ page: { kind: 'cursor', limit: pageSize, ...(after ? { after } : {}) }, count: false });
      for (const u of page.rows) {
        names.set(u.id, u.userName);
        await step({
          type: 'person',
          id: u.id,
          source: u.source,
          managerId: u.managerId,
          version: u.version,
          createdMs: u.createdMs,
          modifiedMs: u.modifiedMs,
          document: u.document,
        });
      }
      after = page.next;
    } while (after);

    after = undefined;
    do {
      const page = await repos.groups.list({ page: { kind: 'cursor', limit: pageSize, ...(after ? { after } : {}) }, count: false });
      for (const g of page.rows) {
        const members = await repos.groups.members(g.id);
        await step({
          type: 'group',
          id: g.id,
          version: g.version,
          createdMs: g.createdMs,
          modifiedMs: g.modifiedMs,
          document: g.document,
          members: members.map((m) =>
            m.display !== null && m.display !== names.get(m.id) ? { id: m.id, type: m.type, display: m.display } : { id: m.id, type: m.type },
          ),
        });
      }
      after = page.next;
    } while (after);

    for (const folder of await repos.folders.list()) {
      const members: string[] = [];
      for (let offset = 0; ; offset += 5000) {
        const ids = await repos.folders.memberIds(folder.id, 5000, offset);
        members.push(...ids);
        if (ids.length < 5000) break;
      }
      await step({ type: 'folder', id: folder.id, kind: folder.kind, value: folder.value, createdMs: folder.createdMs, members });
    }

    for (let offset = 0; ; offset += 1000) {
      const { rows } = await repos.pending.list(1000, offset);
      for (const p of rows) await step({ type: 'pending', kind: p.kind, subjectId: p.subjectId, reference: p.reference, createdMs: p.createdMs });
      if (rows.length < 1000) break;
    }

    for (const c of credentials) {
      await step({
        type: 'credential',
        id: c.id,
        kind: c.kind,
        label: c.label,
        secretHash: c.secretHash,
        createdMs: c.createdMs,
        lastUsedMs: c.lastUsedMs,
        revokedMs: c.revokedMs,
      });
    }
    await sink.end();
    return header;
  });
}
