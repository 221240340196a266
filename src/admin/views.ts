import { webhookHealth, type WebhookTrouble } from '../events/webhook-health.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value.js';
import { formatBasicKey } from '../provisioning/credentials/secrets.js';
import type { FolderSummary, PersonOverview } from '../provisioning/directory/read-directory.js';
import type { HeldChangeEffect } from '../provisioning/guard/describe-held-change.js';
import type { TenantHealth } from '../provisioning/operations/tenant-health.js';
import type { GroupSummary } from '../provisioning/admins/group-overview.js';
import type { TenantSettings } from '../provisioning/tenants/tenant-settings.js';
import { valueFlags } from '../provisioning/users/validate-person.js';
import type { AdminRecord } from '../storage/admin-store.js';
import type { CredentialRecord, PendingReferenceRecord, RequestLogEntry, StoredUser, TenantRecord, HeldChangeRecord } from '../storage/store.js';
import type {
  AdminView,
  CredentialView,
  FolderView,
  GroupView,
  HeldChangeView,
  LogEntryDetailView,
  LogEntryView,
  PendingView,
  PersonDetailView,
  PersonView,
  SettingsView,
  TenantView,
} from './view-schemas.js';

/**
 * What the admin API answers, built field by field from records: a record is never sent whole, so
 * a hash or secret added to one later cannot leak by accident. The shapes are declared once, in
 * view-schemas.ts.
 */
const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

const text = (doc: JsonObject, ...path: string[]): string | null => {
  let current: JsonValue | undefined = doc;
  for (const key of path) current = isJsonObject(current) ? current[key] : undefined;
  return typeof current === 'string' ? current : null;
};

/** The attribute of the enterprise extension, wherever the document keeps it. */
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export function adminView(admin: AdminRecord, tenantSlug: string | null): AdminView {
  return { id: admin.id, email: admin.email, role: admin.role, tenant: tenantSlug };
}

/**
 * A tenant with how its webhooks stand ('ok', 'retrying' or 'failing', and why) and, when read, its
 * health as `roster doctor` judges it (the console's badge).
 */
export function tenantView(tenant: TenantRecord, troubles: readonly WebhookTrouble[] = [], health?: TenantHealth): TenantView {
  return {
    ...(health
      ? {
          health: {
            level: health.level,
            findings: health.findings.flatMap((f) => (f.severity === 'ok' ? [] : [{ severity: f.severity, message: f.message }])),
            lastError: health.lastError
              ? {
                  at: iso(health.lastError.atMs),
                  method: health.lastError.method,
                  path: health.lastError.path,
                  status: health.lastError.status,
                  error: health.lastError.error,
                }
              : null,
            failedRecent: health.failed,
            recentRequests: health.recent,
            heldChanges: health.held,
          },
        }
      : {}),
    slug: tenant.slug,
    name: tenant.name,
    provisioningEnabled: tenant.provisioningEnabled,
    mode: tenant.mode,
    createdAt: iso(tenant.createdMs),
    lastScimRequestAt: iso(tenant.lastRequestMs),
    lastScimChangeAt: iso(tenant.lastChangeMs),
    webhooks: {
      health: webhookHealth(troubles),
      troubles: troubles.map((t) => ({
        endpointId: t.endpointId,
        label: t.label,
        health: t.health,
        attempts: t.attempts,
        failingSince: iso(t.failingSinceMs),
        lastError: t.lastError,
        message: t.message,
      })),
    },
  };
}

export function settingsView(settings: TenantSettings, tenant: TenantRecord): SettingsView {
  // Every setting is shown (none is secret), so a setting added to the schema needs no change here.
  return { ...settings, supportedLanguages: [...settings.supportedLanguages], provisioningEnabled: tenant.provisioningEnabled };
}

/**
 * A change the mass-change guard held. The stored target document is not sent whole; with `effect`
 * (a change still held), what approving it would change: the person or group and each attribute's
 * value now and after (null: absent).
 */
export function heldChangeView(change: HeldChangeRecord, effect?: HeldChangeEffect): HeldChangeView {
  return {
    id: change.id,
    kind: change.kind,
    resourceId: change.resourceId,
    reason: change.reason,
    status: change.status,
    heldAt: iso(change.createdMs),
    decidedAt: iso(change.decidedMs),
    ...(effect
      ? {
          target: { type: effect.targetType, name: effect.targetName, exists: effect.exists, members: effect.members },
          changes: effect.attributes.map((a) => ({ attribute: a.attribute, before: a.before ?? null, after: a.after ?? null })),
        }
      : {}),
  };
}

/** A credential without its hash; `lastUsedAt` includes use not yet written to the database. */
export function credentialView(credential: CredentialRecord, pendingUseMs: number | undefined): CredentialView {
  const lastUsed = Math.max(credential.lastUsedMs ?? 0, pendingUseMs ?? 0) || null;
  return {
    id: credential.id,
    kind: credential.kind,
    label: credential.label,
    ...(credential.kind === 'basic' ? { key: formatBasicKey(credential.id) } : {}),
    createdAt: iso(credential.createdMs),
    lastUsedAt: iso(lastUsed),
    revokedAt: iso(credential.revokedMs),
  };
}

export function personSummary(user: StoredUser): PersonView {
  const doc = user.document;
  const emails = Array.isArray(doc['emails']) ? doc['emails'].filter(isJsonObject) : [];
  const email = emails.find((e) => e['primary'] === true) ?? emails.find((e) => e['type'] === 'work') ?? emails[0];
  const given = text(doc, 'name', 'givenName');
  const family = text(doc, 'name', 'familyName');
  const name = text(doc, 'displayName') ?? text(doc, 'name', 'formatted') ?? ([given, family].filter(Boolean).join(' ') || null);
  return {
    id: user.id,
    userName: user.userName,
    name,
    email: email && typeof email['value'] === 'string' ? email['value'] : null,
    title: text(doc, 'title'),
    department: text(doc, ENTERPRISE, 'department'),
    active: user.active,
    source: user.source,
    missing: [...user.missing],
    createdAt: iso(user.createdMs),
    modifiedAt: iso(user.modifiedMs),
  };
}

const noteList = (notes: JsonObject, key: string): JsonValue[] => {
  const value = notes[key];
  return Array.isArray(value) ? value : [];
};
const strings = (values: JsonValue[]): string[] => values.filter((v): v is string => typeof v === 'string');

/** One provisioning-log entry; the credential is named by its label, never shown. */
export function logEntryView(entry: RequestLogEntry, credentialLabels: ReadonlyMap<string, string>): LogEntryView {
  return {
    id: entry.id,
    at: iso(entry.atMs),
    method: entry.method,
    path: entry.path,
    status: entry.status,
    durationMs: entry.durationMs,
    client: entry.client,
    credential: entry.credentialId ? (credentialLabels.get(entry.credentialId) ?? null) : null,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    changed: entry.changed,
    changes: strings(noteList(entry.notes, 'changes')),
    ignored: noteList(entry.notes, 'ignored')
      .filter(isJsonObject)
      .map((i) => ({
        path: typeof i['path'] === 'string' ? i['path'] : '',
        reason: typeof i['reason'] === 'string' ? i['reason'] : '',
        suggestion: typeof i['suggestion'] === 'string' ? i['suggestion'] : null,
        matches: strings(Array.isArray(i['matches']) ? i['matches'] : []),
      })),
    normalisers: strings(noteList(entry.notes, 'normalisers')),
    warnings: strings(noteList(entry.notes, 'warnings')),
    leniencies: strings(noteList(entry.notes, 'leniencies')),
    error: entry.error,
    event: entry.event ?? null,
    diff: noteList(entry.notes, 'diff')
      .filter(isJsonObject)
      .map((c) => ({ attribute: typeof c['attribute'] === 'string' ? c['attribute'] : '', before: c['before'] ?? null, after: c['after'] ?? null })),
  };
}

/** One entry with its bodies, as the console's detail shows it. */
export function logEntryDetailView(entry: RequestLogEntry, credentialLabels: ReadonlyMap<string, string>): LogEntryDetailView {
  return { entry: logEntryView(entry, credentialLabels), requestBody: entry.requestBody ?? null, responseBody: entry.responseBody ?? null };
}

export function folderView({ folder, memberCount }: FolderSummary): FolderView {
  return { id: folder.id, kind: folder.kind, value: folder.value, memberCount: memberCount.count, memberCountExact: memberCount.exact, createdAt: iso(folder.createdMs) };
}

export function groupView(summary: GroupSummary): GroupView {
  const { group } = summary;
  return {
    id: group.id,
    displayName: group.displayName,
    externalId: group.externalId,
    memberCount: summary.memberCount.count,
    memberCountExact: summary.memberCount.exact,
    createdAt: iso(group.createdMs),
    modifiedAt: iso(group.modifiedMs),
  };
}

export function pendingView(pending: PendingReferenceRecord & { ageMs?: number }, nowMs: number): PendingView {
  return {
    kind: pending.kind,
    subjectId: pending.subjectId,
    reference: pending.reference,
    since: iso(pending.createdMs),
    ageSeconds: Math.round((pending.ageMs ?? Math.max(0, nowMs - pending.createdMs)) / 1000),
  };
}

/**
 * Everything about one person: the full attribute document, links, and the SCIM history.
 * `valueFlags` lists the values kept as sent that break a rule under the tenant's current settings.
 */
export function personDetail(overview: PersonOverview, settings: TenantSettings, credentialLabels: ReadonlyMap<string, string>, nowMs: number): PersonDetailView {
  const { user } = overview;
  return {
    person: {
      ...personSummary(user),
      externalId: user.externalId,
      employeeNumber: user.employeeNumber,
      attributes: user.document,
      valueFlags: valueFlags(user.document, settings).map((f) => ({ ...f })),
    },
    groups: overview.groups.map((g) => ({ id: g.groupId, displayName: g.displayName })),
    folders: overview.folders.map((f) => ({ id: f.id, kind: f.kind, value: f.value })),
    manager: overview.manager ? personSummary(overview.manager) : null,
    reports: overview.reports.map(personSummary),
    pending: overview.pending.map((p) => pendingView(p, nowMs)),
    history: overview.history.map((e) => logEntryView(e, credentialLabels)),
  };
}
