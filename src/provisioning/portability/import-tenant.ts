import { foldText } from '../../storage/fold.js';
import type { ScopedRepositories, TenantRecord } from '../../storage/store.js';
import { DomainError } from '../errors.js';
import { groupRecordFrom } from '../groups/group-record.js';
import { createTenant, setProvisioningEnabled, updateTenantSettings } from '../tenants/manage-tenants.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { userRecordFrom } from '../users/user-record.js';
import { RECORD_ORDER, type CredentialRecordExport, type ExportCounts, type ExportRecord } from './export-format.js';
import type { PortabilityProgress } from './export-tenant.js';
import type { ExportSource } from './tenant-file.js';

export interface ImportOptions {
  /** Import under this slug instead of the exported one. */
  readonly slug?: string;
  readonly onProgress?: (progress: PortabilityProgress) => void;
}

export interface ImportSummary {
  readonly tenant: TenantRecord;
  /** Whether the tenant was made by the import (else an existing empty one was filled). */
  readonly created: boolean;
  readonly counts: ExportCounts;
  readonly lastSeq: number;
  /** Credentials in the file that were not restored, and why. */
  readonly skippedCredentials: readonly string[];
}

/** Members are added in chunks so one statement never carries an unbounded parameter. */
const CHUNK = 5000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** What a tenant holds; an import goes only into a tenant where all of it is zero. */
async function contentOf(repos: ScopedRepositories): Promise<{ people: number; groups: number; folders: number; pending: number; lastSeq: number }> {
  const first = { page: { kind: 'index' as const, offset: 0, limit: 1 }, count: true };
  const [people, groups, folders, pending, lastSeq] = await Promise.all([
    repos.users.list(first),
    repos.groups.list(first),
    repos.folders.list(),
    repos.pending.list(1, 0),
    repos.events.lastSeq(),
  ]);
  return { people: people.total ?? 0, groups: groups.total ?? 0, folders: folders.length, pending: pending.total, lastSeq };
}

function describeContent(c: Awaited<ReturnType<typeof contentOf>>): string {
  const parts = [
    c.people > 0 ? `${c.people} people` : '',
    c.groups > 0 ? `${c.groups} groups` : '',
    c.folders > 0 ? `${c.folders} folders` : '',
    c.pending > 0 ? `${c.pending} pending references` : '',
    c.lastSeq > 0 ? `${c.lastSeq} events` : '',
  ].filter((p) => p !== '');
  return parts.join(', ');
}

async function assertEmpty(repos: ScopedRepositories, slug: string): Promise<void> {
  const content = await contentOf(repos);
  const what = describeContent(content);
  if (what !== '') {
    throw new DomainError('uniqueness', `tenant "${slug}" is not empty (${what}); import into a new slug with --slug, or into a tenant that has never been provisioned`);
  }
}

/**
 * Restores an export into an empty tenant — the exported slug or `options.slug` — on either
 * database, keeping every id (IdPs remember the SCIM ids they were given). People, groups,
 * folders, pending references and the event cursor are written in one transaction: a failure
 * leaves the tenant as empty as before. Credential hashes, when the file has them, are restored
 * afterwards (the IdP keeps its token).
 */
export async function importTenant(rt: ProvisioningRuntime, source: ExportSource, options: ImportOptions = {}): Promise<ImportSummary> {
  const { header } = source;
  const slug = options.slug ?? header.tenant.slug;
  let tenant = await rt.store.tenants.findBySlug(slug);
  let created = false;
  if (tenant) {
    await rt.store.read({ tenantId: tenant.id }, (repos) => assertEmpty(repos, slug));
  } else {
    // Keep the exported tenant id when it is free here (a move between databases).
    const free = (await rt.store.tenants.findById(header.tenant.id)) === undefined;
    tenant = await createTenant(free ? { ...rt, newId: () => header.tenant.id } : rt, { slug, name: header.tenant.name });
    created = true;
    if (!header.tenant.provisioningEnabled) tenant = await setProvisioningEnabled(rt, slug, false);
  }
  if (Object.keys(header.tenant.settings).length > 0) await updateTenantSettings(rt, slug, header.tenant.settings);
  const target = tenant;

  const total = header.counts.people + header.counts.groups + header.counts.folders + header.counts.pendingReferences + header.counts.credentials;
  const seen = { people: 0, groups: 0, folders: 0, pendingReferences: 0, credentials: 0 };
  const credentials: CredentialRecordExport[] = [];
  const nowMs = rt.now();

  await rt.store.transaction(
    { tenantId: target.id },
    async (repos) => {
      await assertEmpty(repos, slug);
      const people = new Set<string>();
      const groups = new Set<string>();
      const managers = new Map<string, string>();
      const groupMembers: string[] = [];
      let order = 0;
      let done = 0;
      const progressed = (record: ExportRecord) => {
        done += 1;
        options.onProgress?.({ phase: record.type, done, total });
      };

      for await (const record of source.records) {
        const position = RECORD_ORDER.indexOf(record.type);
        if (position < order) throw new DomainError('invalidValue', `the file is out of order: a ${record.type} after ${RECORD_ORDER[order]} records`);
        order = position;
        switch (record.type) {
          case 'person': {
            const row = userRecordFrom(record.document, {
              id: record.id,
              version: record.version,
              createdMs: record.createdMs,
              modifiedMs: record.modifiedMs,
              source: record.source,
              managerId: record.managerId,
            });
            if (!(await repos.users.insert(row))) {
              throw new DomainError('uniqueness', `two people in the file have the userName "${row.userName}" (or the id ${record.id} twice)`);
            }
            people.add(record.id);
            if (record.managerId !== null) managers.set(record.id, record.managerId);
            seen.people += 1;
            break;
          }
          case 'group': {
            const row = groupRecordFrom(record.document, { id: record.id, version: record.version, createdMs: record.createdMs, modifiedMs: record.modifiedMs });
            if (!(await repos.groups.insert(row))) throw new DomainError('uniqueness', `two groups in the file are named "${row.displayName}"`);
            groups.add(record.id);
            for (const m of record.members) {
              if (m.type === 'User' && !people.has(m.id))
                throw new DomainError('invalidValue', `group "${row.displayName}" names a member ${m.id} who is not in the file`);
              if (m.type === 'Group') groupMembers.push(m.id);
            }
            for (const part of chunks(record.members)) await repos.groups.addMembers(record.id, part, nowMs);
            seen.groups += 1;
            break;
          }
          case 'folder': {
            const { created: made } = await repos.folders.ensure(record.kind, record.value, record.id, record.createdMs);
            if (!made) throw new DomainError('uniqueness', `two ${record.kind} folders in the file are named "${record.value}" (or the id ${record.id} twice)`);
            const unknown = record.members.find((id) => !people.has(id));
            if (unknown) throw new DomainError('invalidValue', `the ${record.kind} folder "${record.value}" names ${unknown}, who is not in the file`);
            for (const part of chunks(record.members)) await repos.portability.addFolderMembers(record.id, part);
            seen.folders += 1;
            break;
          }
          case 'pending':
            await repos.pending.add(
              { kind: record.kind, subjectId: record.subjectId, reference: record.reference, createdMs: record.createdMs },
              foldText(record.reference),
            );
            seen.pendingReferences += 1;
            break;
          case 'credential':
            credentials.push(record);
            seen.credentials += 1;
            break;
        }
        progressed(record);
      }

      for (const [person, manager] of managers) {
        if (!people.has(manager)) throw new DomainError('invalidValue', `person ${person} has manager ${manager}, who is not in the file`);
      }
      const missingGroup = groupMembers.find((id) => !groups.has(id));
      if (missingGroup) throw new DomainError('invalidValue', `a group names the group ${missingGroup} as a member, which is not in the file`);
      const short = (Object.keys(seen) as (keyof typeof seen)[]).filter((k) => seen[k] !== header.counts[k]);
      if (short.length > 0) {
        throw new DomainError(
          'invalidValue',
          `the file does not hold what its header says (${short.map((k) => `${k}: ${seen[k]} of ${header.counts[k]}`).join(', ')}) — truncated or edited? Nothing was imported`,
        );
      }
      if (header.eventCursor.lastSeq > 0) await repos.portability.restoreEventCursor(header.eventCursor.lastSeq);
    },
    { large: true },
  );

  const skippedCredentials: string[] = [];
  for (const c of credentials) {
    if (await rt.store.credentials.findById(c.id)) {
      skippedCredentials.push(`${c.id} (${c.label}): a credential with this id exists here already`);
      continue;
    }
    await rt.store.credentials.create({ ...c, tenantId: target.id });
  }
  const stored = (await rt.store.tenants.findById(target.id)) ?? target;
  return { tenant: stored, created, counts: seen, lastSeq: header.eventCursor.lastSeq, skippedCredentials };
}
