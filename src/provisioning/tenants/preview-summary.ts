import { isJsonObject } from '../../json/json-value.js';
import type { CursorPosition } from '../../storage/query.js';
import type { PendingReferenceRecord, StoredUser, TenantRecord } from '../../storage/store.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { valueFlags, type ValueFlag } from '../users/validate-person.js';
import { tenantSettings } from './tenant-settings.js';

/**
 * Counts stop here, as the console's lists do: the page polls, and counting every match of a large
 * first sync each time would cost more than the answer is worth; past this it says "at least".
 */
const COUNT_CAP = 10_000;
/** People whose values are checked for flags, oldest first; the page says when there were more. */
const FLAG_SCAN = 5_000;
/** Provisioning-log entries read for ignored attributes (newest first). */
const LOG_SCAN = 2_000;
const EXAMPLES = 5;

/** An attribute the IdP sent that was not stored, with the name it probably meant, and how often. */
export interface IgnoredSummary {
  readonly path: string;
  readonly reason: string;
  readonly suggestion: string | null;
  readonly requests: number;
}

/** One rule broken, with how many people and a few of them. */
export interface FlagSummary {
  readonly path: string;
  readonly rule: string;
  readonly accepted: string;
  readonly people: number;
  readonly examples: readonly { readonly id: string; readonly userName: string; readonly value: string }[];
}

/** What a preview page shows: what the first sync brought and what needs a look before going live. */
export interface PreviewSummary {
  readonly mode: TenantRecord['mode'];
  readonly people: { readonly total: number; readonly exact: boolean; readonly active: number };
  readonly groups: { readonly total: number; readonly exact: boolean };
  /** The latest provisioning-log entries (at most LOG_SCAN: `exact` is false when there are more). */
  readonly requests: { readonly total: number; readonly exact: boolean; readonly failed: number; readonly lastAtMs: number | null };
  readonly ignored: readonly IgnoredSummary[];
  readonly flagged: { readonly people: number; readonly checked: number; readonly complete: boolean; readonly byRule: readonly FlagSummary[] };
  readonly incomplete: {
    readonly total: number;
    readonly exact: boolean;
    readonly examples: readonly { readonly id: string; readonly userName: string; readonly missing: readonly string[] }[];
  };
  readonly pending: { readonly total: number; readonly examples: readonly PendingReferenceRecord[] };
  readonly guard: {
    readonly mode: string;
    readonly percent: number;
    readonly windowMinutes: number;
    readonly minActive: number;
    readonly groupSize: number;
    readonly removedInWindow: number;
    readonly held: number;
  };
  /** Events of the preview in the outbox: deleted when it goes live, never sent one by one. */
  readonly eventsHeldBack: number;
}

const countOf = (total: number | undefined, exact: boolean | undefined) => ({ total: total ?? 0, exact: exact !== false });

/**
 * Reads a tenant's preview as the console shows it, reusing what each part already has: the
 * provisioning log's ignored attributes (with the suggestion the SCIM layer made), the value rules
 * of validate-person.ts under the tenant's current settings, the `missing` list kept per person,
 * pending references and the mass-change guard's own counters. Cheap enough to poll every few
 * seconds for a first sync of thousands of people: counts are capped and the flag check is bounded.
 */
export async function previewSummary(rt: ProvisioningRuntime, tenant: TenantRecord): Promise<PreviewSummary> {
  const settings = tenantSettings(tenant);
  const scope = { tenantId: tenant.id };
  const nowMs = rt.now();
  return rt.store.read(scope, async (repos) => {
    const incompleteWhere = { kind: 'compare' as const, field: { path: ['$missing'], type: 'string' as const, caseExact: true }, op: 'ne' as const, value: '' };
    const activeWhere = { kind: 'compare' as const, field: { path: ['active'], type: 'boolean' as const, caseExact: false }, op: 'eq' as const, value: true };
    const people = await repos.users.list({ page: { kind: 'cursor', limit: 1 }, countCap: COUNT_CAP });
    const active = await repos.users.list({ where: activeWhere, page: { kind: 'cursor', limit: 1 }, countCap: COUNT_CAP });
    const groups = await repos.groups.list({ page: { kind: 'cursor', limit: 1 }, countCap: COUNT_CAP });
    const incomplete = await repos.users.list({ where: incompleteWhere, page: { kind: 'cursor', limit: EXAMPLES }, countCap: COUNT_CAP });
    const pending = await repos.pending.list(EXAMPLES, 0);

    // Value flags are derived from documents and settings, never stored: check people page by page.
    const byRule = new Map<string, { flag: ValueFlag; people: number; examples: { id: string; userName: string; value: string }[] }>();
    let checked = 0;
    let flaggedPeople = 0;
    let after: CursorPosition | undefined;
    do {
      const page = await repos.users.list({ page: after ? { kind: 'cursor', after, limit: 500 } : { kind: 'cursor', limit: 500 }, count: false });
      for (const user of page.rows as readonly StoredUser[]) {
        const flags = valueFlags(user.document, settings);
        checked += 1;
        if (flags.length > 0) flaggedPeople += 1;
        for (const flag of flags) {
          const key = `${flag.path} ${flag.rule}`;
          const entry = byRule.get(key) ?? { flag, people: 0, examples: [] };
          entry.people += 1;
          if (entry.examples.length < EXAMPLES) entry.examples.push({ id: user.id, userName: user.userName, value: flag.value });
          byRule.set(key, entry);
        }
      }
      after = page.next;
    } while (after && checked < FLAG_SCAN);

    // The provisioning log keeps, per request, what was ignored and the attribute probably meant.
    const log = await repos.requestLog.list({ limit: LOG_SCAN });
    const ignored = new Map<string, { path: string; reason: string; suggestion: string | null; requests: number }>();
    for (const entry of log) {
      const list = entry.notes['ignored'];
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        if (!isJsonObject(item) || typeof item['path'] !== 'string') continue;
        const reason = typeof item['reason'] === 'string' ? item['reason'] : 'unknownAttribute';
        // A password is never stored, by design: not something to fix before going live.
        if (reason === 'password') continue;
        const suggestion = typeof item['suggestion'] === 'string' ? item['suggestion'] : null;
        const key = `${item['path']} ${reason}`;
        const found = ignored.get(key) ?? { path: item['path'], reason, suggestion, requests: 0 };
        found.requests += 1;
        ignored.set(key, found);
      }
    }

    const since = nowMs - settings.massChangeWindowMinutes * 60_000;
    const [removedInWindow, held, lastSeq, prunedThrough] = await Promise.all([
      repos.held.recentRemovals(since),
      repos.held.list('held', 1000),
      repos.events.lastSeq(),
      repos.events.prunedThrough(),
    ]);
    return {
      mode: tenant.mode,
      people: { ...countOf(people.total, people.totalExact), active: active.total ?? 0 },
      groups: countOf(groups.total, groups.totalExact),
      requests: {
        total: log.length,
        exact: log.length < LOG_SCAN,
        failed: log.filter((e) => e.status >= 400).length,
        lastAtMs: log[0]?.atMs ?? null,
      },
      ignored: [...ignored.values()].sort((a, b) => b.requests - a.requests),
      flagged: {
        people: flaggedPeople,
        checked,
        complete: after === undefined,
        byRule: [...byRule.values()]
          .sort((a, b) => b.people - a.people)
          .map((r) => ({ path: r.flag.path, rule: r.flag.rule, accepted: r.flag.accepted, people: r.people, examples: r.examples })),
      },
      incomplete: {
        ...countOf(incomplete.total, incomplete.totalExact),
        examples: incomplete.rows.map((u) => ({ id: u.id, userName: u.userName, missing: [...u.missing] })),
      },
      pending: { total: pending.total, examples: pending.rows },
      guard: {
        mode: settings.massChangeGuard,
        percent: settings.massChangePercent,
        windowMinutes: settings.massChangeWindowMinutes,
        minActive: settings.massChangeMinActive,
        groupSize: settings.massChangeGroupSize,
        removedInWindow,
        held: held.length,
      },
      eventsHeldBack: tenant.mode === 'preview' ? Math.max(0, lastSeq - prunedThrough) : 0,
    };
  });
}
